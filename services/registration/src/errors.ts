/**
 * Problem details (RFC 9457) with a stable machine-readable `code`. Route and service code throws
 * {@link ProblemError}; the error handler renders it as `application/problem+json`.
 */
import {
  PROBLEM_CODES,
  type ProblemCode,
  type ProblemCodeStatus,
  type ProblemCodeWithStatus,
} from './problem-codes.ts';

export interface FieldError {
  /** JSON Pointer into the request part named by the prefix, e.g. `/body/scopes/0`. */
  readonly path: string;
  readonly message: string;
}

interface ProblemFields {
  readonly title: string;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** Extra members rendered beside the standard ones (e.g. `currentStatus`). */
  readonly extensions?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  readonly cause?: unknown;
}

/** A problem's fields; `code` is one of {@link PROBLEM_CODES} and `status` the one that code is sent with. */
export type ProblemInit = {
  [C in ProblemCode]: ProblemFields & { readonly code: C; readonly status: ProblemCodeStatus<C> };
}[ProblemCode];

export class ProblemError extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title, { cause: init.cause });
    this.name = 'ProblemError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.extensions = init.extensions ?? {};
    this.headers = init.headers ?? {};
  }
}

/** A problem whose status is looked up from its code (for codes chosen at run time, e.g. by a mapping table). */
export function problemOf(code: ProblemCode, fields: ProblemFields): ProblemError {
  return new ProblemError({ ...fields, code, status: PROBLEM_CODES[code].status } as ProblemInit);
}

export function problemType(code: ProblemCode): string {
  return `urn:payerbox:problem:${code}`;
}

/** How a conflict message names the change-request actions ("Cannot propose a change to a service whose …"). */
const ACTION_PHRASES: Readonly<Record<string, string>> = {
  propose_change: 'propose a change to a service',
  apply_change: 'change a service',
  withdraw_change: 'withdraw a change request of a service',
  approve_change: 'approve a change request of a service',
  reject_change: 'reject a change request of a service',
};

export const problems = {
  validation(errors: readonly FieldError[], detail = 'The request does not match the schema.'): ProblemError {
    return new ProblemError({ status: 400, code: 'validation_failed', title: 'Invalid request', detail, errors });
  },
  /** An action that needs a reason (return, reject, deactivate) got none, or only blanks. */
  reasonRequired(action: string): ProblemError {
    return problems.validation(
      [{ path: '/body/reason', message: 'is required' }],
      `Cannot ${action} a service without a reason: send the reason the developer will read in \`reason\`.`,
    );
  },
  /** A change request's rejection got no reason, or only blanks. */
  changeReasonRequired(): ProblemError {
    return problems.validation(
      [{ path: '/body/reason', message: 'is required' }],
      'Cannot reject a change request without a reason: send the reason the developer will read in `reason`.',
    );
  },
  unauthenticated(detail: string, code: ProblemCodeWithStatus<401> = 'unauthenticated'): ProblemError {
    return new ProblemError({
      status: 401,
      code,
      title: 'Authentication required',
      detail,
      headers: { 'www-authenticate': code === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Bearer' },
    });
  },
  forbidden(detail: string): ProblemError {
    return new ProblemError({ status: 403, code: 'forbidden', title: 'Forbidden', detail });
  },
  notFound(what: string): ProblemError {
    return new ProblemError({ status: 404, code: 'not_found', title: 'Not found', detail: `${what} was not found.` });
  },
  illegalTransition(action: string, currentStatus: string, allowedFrom: readonly string[]): ProblemError {
    const from = allowedFrom.length > 0 ? allowedFrom.join(' or ') : 'no status';
    return new ProblemError({
      status: 409,
      code: 'illegal_transition',
      title: 'Action not allowed in the current status',
      detail: `Cannot ${ACTION_PHRASES[action] ?? `${action.replace('_', ' ')} a service`} whose status is ${currentStatus}; it needs ${from}.`,
      extensions: { currentStatus, action },
    });
  },
  versionMismatch(currentVersion: number): ProblemError {
    return new ProblemError({
      status: 412,
      code: 'version_mismatch',
      title: 'The service has changed',
      detail: `If-Match does not name the current version (${currentVersion}); reload and try again.`,
      extensions: { currentVersion },
    });
  },
  preconditionRequired(): ProblemError {
    return new ProblemError({
      status: 428,
      code: 'precondition_required',
      title: 'If-Match required',
      detail:
        'Send If-Match with the version you read (the ETag of GET), so concurrent edits cannot overwrite each other.',
    });
  },
};
