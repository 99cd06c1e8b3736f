/**
 * One HTTP exchange with Aidbox, with the policies every call shares: Basic authentication, JSON, a per-attempt
 * timeout, bounded retries of idempotent requests, and errors that never carry a credential.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AidboxError, type AidboxErrorCode, outcomeSummary, redact } from './errors.ts';
import { isOperationOutcome } from './resources.ts';

export type Method = 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';

export interface TransportOptions {
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly fetch: typeof globalThis.fetch;
  /** Called after every HTTP exchange (each retry counts), e.g. to time calls for metrics. */
  readonly onRequest?: ((observation: RequestObservation) => void) | undefined;
}

/** One HTTP exchange with Aidbox, as reported to an `onRequest` observer. Never holds ids, bodies or credentials. */
export interface RequestObservation {
  readonly method: Method;
  /** The method and the resource type or endpoint, without ids: `PUT /Client`, `GET /Organization`, `GET /health`. */
  readonly operation: string;
  /** `ok` for an expected answer, else the AidboxError code (`http_status`, `timeout`, `network`). */
  readonly outcome: 'ok' | AidboxErrorCode;
  /** The HTTP status, when one came back. */
  readonly status: number | undefined;
  readonly durationMs: number;
}

/** The path's first segment, so that labels stay few whatever the ids. */
function operationLabel(method: Method, path: string): string {
  const segment = path.split('?')[0]?.split('/')[1] ?? '';
  return `${method} /${segment}`;
}

export interface Request {
  readonly method: Method;
  /** Absolute path below the base URL, with its query string. */
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: 'application/json' | 'application/merge-patch+json';
  /** Sent as `If-Match`: the write then applies only to that version, and a 412 means it changed meanwhile. */
  readonly ifMatch?: string;
  /** Statuses that are answers rather than errors (e.g. 404 for a read that may miss). */
  readonly expect: readonly number[];
  /** Strings to keep out of errors besides the client secret, e.g. the secret of the Client being written. */
  readonly secrets?: readonly (string | undefined)[];
}

export interface Reply {
  readonly status: number;
  /** Parsed JSON; the raw text when the body is not JSON; undefined when empty. */
  readonly body: unknown;
  readonly json: boolean;
  readonly operation: string;
}

export type Send = (request: Request) => Promise<Reply>;

/** Backoff never grows past this, so `retries` bounds the extra wait to a few seconds. */
const MAX_BACKOFF_MS = 2_000;
/**
 * A longer `Retry-After` is not waited out inside one call: the error (with `retryAfterMs`) goes back to the caller,
 * whose job queue can reschedule instead of holding a worker.
 */
const MAX_RETRY_AFTER_MS = 5_000;
/** Diagnostics are quoted into messages, but a runaway body should not become a runaway log line. */
const MAX_SUMMARY_CHARS = 500;

/**
 * GET, PUT and DELETE are idempotent by HTTP semantics; a merge patch (RFC 7386) is too, because applying it twice
 * gives the same document. Anything else could apply twice when a response is lost, so it is never retried.
 */
function isIdempotent(request: Request): boolean {
  switch (request.method) {
    case 'GET':
    case 'PUT':
    case 'DELETE':
      return true;
    case 'PATCH':
      return request.contentType === 'application/merge-patch+json';
    case 'POST':
      return false;
    default:
      return request.method satisfies never;
  }
}

/**
 * A PUT or DELETE of one resource as it is, without `If-Match` and without search criteria in the URL (a conditional
 * update or delete): repeating it after a concurrent write changed the resource is what the caller wanted anyway.
 */
function isUnconditionalWrite(request: Request): boolean {
  return (
    (request.method === 'PUT' || request.method === 'DELETE') &&
    request.ifMatch === undefined &&
    !request.path.includes('?')
  );
}

/** Equal jitter: half the exponential step fixed, half random, so synchronised workers spread out. */
function backoff(attempt: number, baseMs: number, retryAfterMs: number | undefined): number {
  const step = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  const delay = step / 2 + Math.random() * (step / 2);
  return retryAfterMs === undefined ? delay : Math.max(delay, retryAfterMs);
}

function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseBody(text: string): { body: unknown; json: boolean } {
  if (text === '') return { body: undefined, json: false };
  try {
    return { body: JSON.parse(text), json: true };
  } catch {
    return { body: text, json: false };
  }
}

function truncate(text: string): string {
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS)}…` : text;
}

/** Builds the `send` function all client methods go through. */
export function createTransport(options: TransportOptions): Send {
  // RFC 7617: base64 of `id:secret`. Computed once and kept in this closure, never on an object that could be logged.
  const authorization = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;

  function failure(operation: string, error: unknown, signal: AbortSignal, secrets: readonly string[]): AidboxError {
    if (signal.aborted) {
      return new AidboxError(`${operation} timed out after ${options.timeoutMs} ms`, {
        code: 'timeout',
        operation,
        cause: error,
      });
    }
    // Node's fetch reports "fetch failed" and puts the socket error (ECONNREFUSED, ECONNRESET, ...) in `cause`.
    const inner = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    const reason = typeof inner === 'string' ? inner : error instanceof Error ? error.message : String(error);
    return new AidboxError(redact(`${operation} could not reach Aidbox: ${reason}`, secrets), {
      code: 'network',
      operation,
      cause: error,
    });
  }

  async function attempt(request: Request, operation: string, secrets: readonly string[]): Promise<Reply> {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const headers: Record<string, string> = { authorization, accept: 'application/json' };
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
    let status: number;
    let retryAfter: string | null;
    let text: string;
    try {
      const response = await options.fetch(`${options.baseUrl}${request.path}`, {
        method: request.method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal,
        // A redirect would carry the Basic credentials to wherever Aidbox (or a proxy) points; it is an error instead.
        redirect: 'manual',
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      // The body is read under the same signal, so a server that stalls mid-body still times out.
      text = await response.text();
    } catch (error) {
      throw failure(operation, error, signal, secrets);
    }
    const { body, json } = parseBody(text);
    if (request.expect.includes(status)) return { status, body, json, operation };
    const outcome = isOperationOutcome(body) ? redact(body, secrets) : undefined;
    const summary = outcomeSummary(outcome);
    const retryAfterMs = parseRetryAfter(retryAfter);
    throw new AidboxError(`${operation} answered ${status}${summary ? `: ${truncate(summary)}` : ''}`, {
      code: 'http_status',
      operation,
      status,
      ...(outcome ? { outcome } : {}),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      unconditionalWrite: isUnconditionalWrite(request),
    });
  }

  /** Runs one attempt and reports it to the observer, if any (an observer that throws cannot break the call). */
  async function observed(request: Request, operation: string, secrets: readonly string[]): Promise<Reply> {
    const observer = options.onRequest;
    if (!observer) return attempt(request, operation, secrets);
    const started = performance.now();
    const report = (outcome: RequestObservation['outcome'], status: number | undefined) => {
      try {
        observer({
          method: request.method,
          operation: operationLabel(request.method, request.path),
          outcome,
          status,
          durationMs: performance.now() - started,
        });
      } catch {
        // metrics are best effort
      }
    };
    try {
      const reply = await attempt(request, operation, secrets);
      report('ok', reply.status);
      return reply;
    } catch (error) {
      if (error instanceof AidboxError) report(error.code, error.status);
      else report('network', undefined);
      throw error;
    }
  }

  return async function send(request) {
    const operation = `${request.method} ${request.path}`;
    const secrets = [options.clientSecret, ...(request.secrets ?? [])].filter((s): s is string => Boolean(s));
    const retries = isIdempotent(request) ? options.retries : 0;
    for (let attemptIndex = 0; ; attemptIndex++) {
      try {
        return await observed(request, operation, secrets);
      } catch (error) {
        if (!(error instanceof AidboxError) || !error.retryable || attemptIndex >= retries) throw error;
        if (error.retryAfterMs !== undefined && error.retryAfterMs > MAX_RETRY_AFTER_MS) throw error;
        await sleep(backoff(attemptIndex, options.retryDelayMs, error.retryAfterMs));
      }
    }
  };
}
