import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkAddress, ipLiteral } from './address-policy.ts';

/** Resolves a host name to every address it has (injected in tests so that no real lookup happens). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface SafeFetchOptions {
  /**
   * Development mode only: allow loopback addresses, over http or https, so that a local test client can host its
   * JWKS. Every other blocked range stays blocked.
   */
  readonly allowLoopback: boolean;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly resolve?: Resolver;
  /**
   * Called with the checked address right before connecting. Tests use it to prove that nothing but loopback is
   * ever dialled, even if the checks above were broken.
   */
  readonly beforeConnect?: (target: { address: string; port: number }) => void;
  readonly userAgent?: string;
}

export interface SafeResponse {
  readonly url: string;
  /** The address the response came from (the one that was checked). */
  readonly address: string;
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

export type SafeFetchErrorCode =
  | 'invalid_url'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'fragment_in_url'
  | 'dns_failed'
  | 'address_blocked'
  | 'redirect_refused'
  | 'timeout'
  | 'too_large'
  | 'connection_failed';

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

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_BYTES = 64 * 1024;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

function parseTarget(rawUrl: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new SafeFetchError('invalid_url', 'is not a valid absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowLoopback)) {
    throw new SafeFetchError('scheme_not_allowed', 'must use https');
  }
  if (url.username || url.password) throw new SafeFetchError('credentials_in_url', 'must not carry user:password@');
  if (rawUrl.includes('#')) throw new SafeFetchError('fragment_in_url', 'must not carry a #fragment');
  return url;
}

/** Resolves the host once and checks every answer: one blocked address refuses the whole name. */
async function checkedAddress(
  url: URL,
  options: SafeFetchOptions,
  deadline: AbortSignal,
): Promise<{ address: string; family: 4 | 6 }> {
  const literal = ipLiteral(url.hostname);
  let answers: { address: string; family: number }[];
  if (literal) answers = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  else {
    try {
      answers = await raceDeadline((options.resolve ?? systemResolver)(url.hostname), deadline);
    } catch (cause) {
      if (deadline.aborted) throw new SafeFetchError('timeout', 'name resolution took too long', { cause });
      throw new SafeFetchError('dns_failed', `host ${url.hostname} could not be resolved`, { cause });
    }
  }
  if (answers.length === 0) throw new SafeFetchError('dns_failed', `host ${url.hostname} has no address`);
  const verdicts = answers.map((answer) => checkAddress(answer.address, { allowLoopback: options.allowLoopback }));
  const blocked = verdicts.find((v) => !v.allowed);
  if (blocked && !blocked.allowed) {
    throw new SafeFetchError(
      'address_blocked',
      `resolves to ${blocked.address} (${blocked.range}), which the portal does not connect to`,
    );
  }
  const first = verdicts[0];
  if (!first?.allowed) throw new SafeFetchError('dns_failed', `host ${url.hostname} has no usable address`);
  // Plain http is for local development only: never over the network.
  if (url.protocol === 'http:' && !verdicts.every((v) => v.allowed && v.loopback)) {
    throw new SafeFetchError('scheme_not_allowed', 'must use https (http is allowed for loopback in development mode)');
  }
  return { address: first.address, family: first.family };
}

function raceDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadline.reason);
    if (deadline.aborted) return onAbort();
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
  });
}

/** A lookup that answers with the already-checked address: the connection cannot be re-resolved elsewhere. */
function pinnedLookup(address: string, family: 4 | 6): LookupFunction {
  return ((_hostname: string, lookupOptions: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (lookupOptions.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      reject(new SafeFetchError('too_large', `is larger than ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        response.destroy();
        reject(new SafeFetchError('too_large', `is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
  });
}

/**
 * Fetches a user-supplied URL without letting it reach the portal's own network: https only (loopback http in
 * development), the host resolved once and every address checked, the connection pinned to the checked address,
 * no redirects, no cookies or credentials, a deadline for the whole exchange and a size cap on the body.
 */
export function createSafeFetcher(options: SafeFetchOptions) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  return async function safeFetch(rawUrl: string, accept = 'application/json'): Promise<SafeResponse> {
    const url = parseTarget(rawUrl, options.allowLoopback);
    const deadline = AbortSignal.timeout(timeoutMs);
    const target = await checkedAddress(url, options, deadline);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    options.beforeConnect?.({ address: target.address, port });
    const client = url.protocol === 'https:' ? https : http;

    return new Promise<SafeResponse>((resolve, reject) => {
      const request = client.request(url, {
        method: 'GET',
        agent: false,
        lookup: pinnedLookup(target.address, target.family),
        signal: deadline,
        headers: { accept, 'user-agent': options.userAgent ?? 'payerbox-portal' },
      });
      request.on('error', (cause) => {
        if (deadline.aborted) reject(new SafeFetchError('timeout', `did not answer within ${timeoutMs} ms`, { cause }));
        else if (cause instanceof SafeFetchError) reject(cause);
        else reject(new SafeFetchError('connection_failed', `could not be fetched: ${cause.message}`, { cause }));
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          response.destroy();
          reject(new SafeFetchError('redirect_refused', `redirects (HTTP ${status}); give the final URL instead`));
          return;
        }
        readBody(response, maxBytes).then(
          (body) => resolve({ url: url.toString(), address: target.address, status, headers: response.headers, body }),
          (cause: unknown) =>
            reject(
              cause instanceof SafeFetchError
                ? cause
                : deadline.aborted
                  ? new SafeFetchError('timeout', `did not answer within ${timeoutMs} ms`, { cause })
                  : new SafeFetchError('connection_failed', 'broke off while sending its body', { cause }),
            ),
        );
      });
      request.end();
    });
  };
}

export type SafeFetch = ReturnType<typeof createSafeFetcher>;
