import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { checkAddress, ipLiteral } from './address-policy.ts';
import { type Connector, type DialTarget, dialFirstReachable, tcpConnector, upgradeToTls } from './connect.ts';
import { classifyFailure, type FetchPhase, SafeFetchError } from './errors.ts';

/** Resolves a host name to every address it has (injected in tests so that no real lookup happens). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface SafeFetchOptions {
  /**
   * Development mode only: allow loopback addresses, over http or https, so that a local test client can host its
   * JWKS. Every other blocked range stays blocked.
   */
  readonly allowLoopback: boolean;
  /** Deadline for the whole exchange: resolving, connecting, TLS, headers and body. */
  readonly timeoutMs?: number;
  /** Longest wait for one address of a name with several before the next is tried. */
  readonly attemptTimeoutMs?: number;
  readonly maxBytes?: number;
  readonly resolve?: Resolver;
  /** Opens the TCP connection to a checked address (tests inject failures loopback cannot produce). */
  readonly connect?: Connector;
  /** Trust anchors for https instead of Node's public ones (tests with their own certificate authority). */
  readonly ca?: string | readonly string[];
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

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_ATTEMPT_TIMEOUT_MS = 2_000;
const DEFAULT_MAX_BYTES = 64 * 1024;
/** Addresses of one name that are tried at most; the rest of a long answer is never dialled. */
const MAX_ADDRESSES_TRIED = 4;

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

function dnsFailure(hostname: string, cause: unknown): SafeFetchError {
  const code = (cause as { code?: unknown } | null)?.code;
  const why =
    code === 'ENOTFOUND' || code === 'ENODATA'
      ? `host ${hostname} does not exist`
      : code === 'EAI_AGAIN'
        ? `host ${hostname} could not be resolved right now (a temporary DNS failure)`
        : `host ${hostname} could not be resolved`;
  return new SafeFetchError('dns_failed', `could not be reached: ${why}`, { cause });
}

/** Resolves the host once and checks every answer: one blocked address refuses the whole name. */
async function checkedAddresses(
  url: URL,
  options: Pick<SafeFetchOptions, 'allowLoopback' | 'resolve'>,
  deadline: AbortSignal,
): Promise<{ address: string; family: 4 | 6 }[]> {
  const literal = ipLiteral(url.hostname);
  let answers: { address: string; family: number }[];
  if (literal) answers = [{ address: literal, family: literal.includes(':') ? 6 : 4 }];
  else {
    try {
      answers = await raceDeadline((options.resolve ?? systemResolver)(url.hostname), deadline);
    } catch (cause) {
      if (deadline.aborted) throw new SafeFetchError('timeout', 'name resolution took too long', { cause });
      throw dnsFailure(url.hostname, cause);
    }
  }
  if (answers.length === 0)
    throw new SafeFetchError('dns_failed', `could not be reached: host ${url.hostname} has no address`);
  const verdicts = answers.map((answer) => checkAddress(answer.address, { allowLoopback: options.allowLoopback }));
  const allowed: { address: string; family: 4 | 6; loopback: boolean }[] = [];
  for (const verdict of verdicts) {
    if (!verdict.allowed) {
      throw new SafeFetchError(
        'address_blocked',
        `resolves to ${verdict.address} (${verdict.range}), which the portal does not connect to`,
      );
    }
    allowed.push(verdict);
  }
  // Plain http is for local development only: never over the network.
  if (url.protocol === 'http:' && !allowed.every((v) => v.loopback)) {
    throw new SafeFetchError('scheme_not_allowed', 'must use https (http is allowed for loopback in development mode)');
  }
  return allowed.map(({ address, family }) => ({ address, family }));
}

function raceDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(deadline.reason);
    if (deadline.aborted) return onAbort();
    deadline.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => deadline.removeEventListener('abort', onAbort));
  });
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
    // A connection closed mid-body ends the stream without 'end' (and, on some paths, without 'error').
    response.on('close', () => {
      if (!response.complete) reject(Object.assign(new Error('the body was cut off'), { code: 'ECONNRESET' }));
    });
  });
}

/** A request with a body (a webhook's POST); without one, a safe fetch is a GET. */
export interface SafeRequestBody {
  readonly method: 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Sends the request over an open connection and reads the answer; the connection is used for this request only. */
function exchange(
  stream: Duplex,
  url: URL,
  headers: Record<string, string>,
  maxBytes: number,
  send: SafeRequestBody | undefined,
): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const request = http.request({
      method: send?.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      // `host` names the URL's host, not the address dialled; no agent: the connection is ours and closes after.
      headers: {
        host: url.host,
        connection: 'close',
        ...headers,
        ...(send && { ...send.headers, 'content-length': String(Buffer.byteLength(send.body)) }),
      },
      createConnection: () => stream,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.destroy();
        reject(new SafeFetchError('redirect_refused', `redirects (HTTP ${status}); give the final URL instead`));
        return;
      }
      readBody(response, maxBytes).then((body) => resolve({ status, headers: response.headers, body }), reject);
    });
    request.end(send?.body);
  });
}

/**
 * Fetches a user-supplied URL without letting it reach the portal's own network: https only (loopback http in
 * development), the host resolved once and every address checked, connections only to checked addresses (tried in
 * turn), no redirects, no cookies or credentials, a deadline for the whole exchange and a size cap on the body.
 * Every failure, from DNS to a reset in the middle of the body, ends in a {@link SafeFetchError}; none escapes as an
 * unhandled `'error'` event.
 */
export function createSafeFetcher(options: SafeFetchOptions) {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;

  return async function safeFetch(
    rawUrl: string,
    accept = 'application/json',
    send?: SafeRequestBody,
  ): Promise<SafeResponse> {
    const url = parseTarget(rawUrl, options.allowLoopback);
    const deadline = AbortSignal.timeout(timeoutMs);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const addresses = await checkedAddresses(url, options, deadline);
    const targets: DialTarget[] = addresses.slice(0, MAX_ADDRESSES_TRIED).map((a) => ({ ...a, port }));
    const socket = await dialFirstReachable(targets, {
      connect: options.connect ?? tcpConnector,
      deadline,
      timeoutMs,
      attemptTimeoutMs: options.attemptTimeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS,
      beforeConnect: options.beforeConnect,
    });
    const address = socket.remoteAddress ?? targets[0]?.address ?? '';
    let phase: FetchPhase = url.protocol === 'https:' ? 'tls' : 'http';
    // The deadline ends whatever is still open; the exchange then rejects and is read as a timeout.
    const onDeadline = () => socket.destroy();
    deadline.addEventListener('abort', onDeadline, { once: true });
    try {
      const stream =
        phase === 'tls' ? await upgradeToTls(socket, { hostname: url.hostname, ca: options.ca }, deadline) : socket;
      phase = 'http';
      const answer = await exchange(
        stream,
        url,
        { accept, 'user-agent': options.userAgent ?? 'payerbox-portal' },
        maxBytes,
        send,
      );
      return { url: url.toString(), address, ...answer };
    } catch (cause) {
      throw classifyFailure(cause, { phase, address, deadline, timeoutMs });
    } finally {
      deadline.removeEventListener('abort', onDeadline);
      socket.destroy();
    }
  };
}

export type SafeFetch = ReturnType<typeof createSafeFetcher>;

/**
 * Checks a URL the way a safe fetch would before connecting (scheme, credentials, fragment, every resolved address),
 * without connecting: for URLs stored now and fetched later (webhook endpoints), so a refused one is refused at once.
 * Throws the {@link SafeFetchError} the fetch would end in.
 */
export async function checkFetchTarget(
  rawUrl: string,
  options: Pick<SafeFetchOptions, 'allowLoopback' | 'resolve' | 'timeoutMs'>,
): Promise<void> {
  const url = parseTarget(rawUrl, options.allowLoopback);
  await checkedAddresses(url, options, AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
}
