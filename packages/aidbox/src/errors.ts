import type { OperationOutcome } from './resources.ts';

/**
 * Why a call to Aidbox failed:
 * - `http_status`: Aidbox answered with an unexpected status (`status` is set, `outcome` when the body was one);
 * - `timeout`: no complete answer within the client's `timeoutMs`;
 * - `network`: the connection failed (refused, reset, DNS);
 * - `invalid_response`: Aidbox answered, but not with what the API promises (e.g. a body that is not JSON).
 */
export type AidboxErrorCode = 'http_status' | 'timeout' | 'network' | 'invalid_response';

/**
 * Statuses worth another attempt for any request: rate limiting and gateway / availability failures. Other 4xx are
 * not: the same request would be refused again.
 */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Statuses worth another attempt for an unconditional write (a PUT or DELETE of one resource without `If-Match`):
 * Aidbox runs writes under serializable isolation and answers a concurrent one 412 (aidbox-docs
 * `docs/api/rest-api/crud/update.md`: "This may lead to `412` errors when you modify resources concurrently") or 409
 * (`docs/tutorials/other-tutorials/how-to-load-large-fhir-bundles-via-nginx.md`: "`409 Conflict` (intermittent) |
 * Aidbox | `SERIALIZABLE` conflict between concurrent transactions"), and "The best way to handle rejected
 * transactions is to retry them" (`docs/api/batch-transaction.md`). A 500 is retried there too: the write is
 * idempotent, and a failure of the transaction itself is as likely as a bug. With `If-Match` or a conditional URL a
 * 412 is a real precondition failure (`docs/api/rest-api/crud/delete.md`, `docs/api/other/etag-support.md`), so none
 * of these is retried then.
 */
const UNCONDITIONAL_WRITE_RETRYABLE_STATUSES: ReadonlySet<number> = new Set([409, 412, 500]);

export interface AidboxErrorInit {
  readonly code: AidboxErrorCode;
  /** The request in `METHOD /path` form, without the base URL or any credential. */
  readonly operation: string;
  readonly status?: number;
  readonly outcome?: OperationOutcome;
  readonly retryAfterMs?: number;
  /** The request was a PUT or DELETE without `If-Match` or a conditional URL: 409, 412 and 500 are transient then. */
  readonly unconditionalWrite?: boolean;
  readonly cause?: unknown;
}

/** A failed call to Aidbox. Foreign errors (fetch, JSON parsing) are kept as `cause`. */
export class AidboxError extends Error {
  override name = 'AidboxError';
  readonly code: AidboxErrorCode;
  /** E.g. `PUT /Client/bs-0123`. */
  readonly operation: string;
  /** The HTTP status, when Aidbox answered. */
  readonly status: number | undefined;
  /** The OperationOutcome Aidbox sent, when the error body was one. */
  readonly outcome: OperationOutcome | undefined;
  /**
   * True when the same request may succeed later: 429, 502, 503, 504, timeouts and network failures, and for an
   * unconditional PUT or DELETE also 409, 412 and 500 (a concurrent write).
   */
  readonly retryable: boolean;
  /** How long Aidbox asked callers to wait (`Retry-After`), when it did: a job queue can reschedule by it. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: AidboxErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.operation = init.operation;
    this.status = init.status;
    this.outcome = init.outcome;
    this.retryable = isRetryable(init.code, init.status, init.unconditionalWrite ?? false);
    this.retryAfterMs = init.retryAfterMs;
  }
}

function isRetryable(code: AidboxErrorCode, status: number | undefined, unconditionalWrite: boolean): boolean {
  switch (code) {
    case 'timeout':
    case 'network':
      return true;
    case 'http_status':
      if (status === undefined) return false;
      return (
        RETRYABLE_STATUSES.has(status) || (unconditionalWrite && UNCONDITIONAL_WRITE_RETRYABLE_STATUSES.has(status))
      );
    case 'invalid_response':
      return false;
    default:
      return code satisfies never;
  }
}

/** The first diagnostics (or details text) of an OperationOutcome, for error messages. */
export function outcomeSummary(outcome: OperationOutcome | undefined): string | undefined {
  for (const issue of outcome?.issue ?? []) {
    const text = issue.diagnostics ?? issue.details?.text;
    if (text) return text;
  }
  return undefined;
}

/**
 * Replaces every occurrence of `secrets` in the strings of `value`. Error bodies may echo the request (a validation
 * error quoting the resource, with its `secret`), and errors end up in logs and job records.
 */
export function redact<T>(value: T, secrets: readonly string[]): T {
  const present = secrets.filter((secret) => secret.length > 0);
  if (present.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return present.reduce((text, secret) => text.split(secret).join('[redacted]'), item);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === 'object' && item !== null) {
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    }
    return item;
  };
  return walk(value) as T;
}
