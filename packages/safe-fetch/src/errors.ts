/** Why a fetch of a user-supplied URL did not produce a response. Stable: callers map them to their own reports. */
export const SAFE_FETCH_ERROR_CODES = [
  'invalid_url',
  'scheme_not_allowed',
  'credentials_in_url',
  'fragment_in_url',
  'dns_failed',
  'address_blocked',
  'network_unreachable',
  'connection_refused',
  'connection_reset',
  'tls_failed',
  'redirect_refused',
  'timeout',
  'too_large',
  'connection_failed',
] as const;
export type SafeFetchErrorCode = (typeof SAFE_FETCH_ERROR_CODES)[number];

/**
 * The one error a safe fetch ends in. Its message completes the sentence "the URL …" (`could not be reached: …`), so
 * callers can show it to the person who typed the URL; the low-level error is kept as `cause` for the logs.
 */
export class SafeFetchError extends Error {
  constructor(
    readonly code: SafeFetchErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SafeFetchError';
  }
}

/** The stage of the exchange an error happened in: it decides what the error means. */
export type FetchPhase = 'connect' | 'tls' | 'http';

function errnoCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// Connect errors that mean "no path to that address from here": no route, no address of that family on this host,
// or a family the host does not speak at all (an IPv6-only name on an IPv4-only host).
const UNREACHABLE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPROTONOSUPPORT']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** What went wrong with one address during the TCP connect, as a phrase ("refused the connection"). */
function connectFailure(cause: unknown): { code: SafeFetchErrorCode; phrase: string } {
  const code = errnoCode(cause);
  if (code === 'ECONNREFUSED') return { code: 'connection_refused', phrase: 'refused the connection' };
  if (code && UNREACHABLE.has(code))
    return { code: 'network_unreachable', phrase: 'has no network route from the portal' };
  if (code && RESET.has(code)) return { code: 'connection_reset', phrase: 'reset the connection' };
  if (code === 'ETIMEDOUT') return { code: 'timeout', phrase: 'did not accept the connection in time' };
  // The system's own code (EINVAL, …) stays in `cause` for the logs: it means nothing to the person who typed the URL.
  return { code: 'connection_failed', phrase: 'could not be connected to' };
}

// OpenSSL's and Node's names for certificate problems, as a person would say them.
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a self-signed certificate that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not issued by a trusted certificate authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not issued by a trusted certificate authority',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not issued by a trusted certificate authority',
  CERT_REVOKED: 'its certificate has been revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is not valid for this host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on that port (is it plain http?)',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'the server only offers an outdated TLS version',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'the server only offers an outdated TLS version',
};

function tlsFailure(cause: unknown): string {
  const code = errnoCode(cause);
  if (code && CERTIFICATE_PROBLEMS[code]) return CERTIFICATE_PROBLEMS[code];
  if (code && RESET.has(code)) return 'the server closed the connection during the TLS handshake';
  return 'the TLS handshake failed';
}

/**
 * Turns whatever a socket, TLS or HTTP step threw into the typed error, by phase: a reset during the TLS handshake
 * is a TLS failure, the same reset after the request was sent is a broken connection. The deadline wins over every
 * other reading (an aborted socket reports its abort, not the cause).
 */
export function classifyFailure(
  cause: unknown,
  context: { phase: FetchPhase; address: string; deadline: AbortSignal; timeoutMs: number },
): SafeFetchError {
  if (cause instanceof SafeFetchError) return cause;
  if (context.deadline.aborted) {
    return new SafeFetchError('timeout', `did not answer within ${context.timeoutMs} ms`, { cause });
  }
  switch (context.phase) {
    case 'connect': {
      const failure = connectFailure(cause);
      return new SafeFetchError(failure.code, `could not be reached: ${context.address} ${failure.phrase}`, { cause });
    }
    case 'tls':
      return new SafeFetchError('tls_failed', `could not be fetched securely: ${tlsFailure(cause)}`, { cause });
    case 'http': {
      const code = errnoCode(cause);
      if (code && RESET.has(code)) {
        return new SafeFetchError('connection_reset', 'could not be fetched: the server closed the connection', {
          cause,
        });
      }
      if (code?.startsWith('HPE_')) {
        return new SafeFetchError('connection_failed', 'could not be fetched: the server did not answer with HTTP', {
          cause,
        });
      }
      return new SafeFetchError('connection_failed', 'could not be fetched: the connection failed', { cause });
    }
  }
}
