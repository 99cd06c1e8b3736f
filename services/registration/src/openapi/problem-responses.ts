import { STATUS_CODES } from 'node:http';
import { problemType } from '../errors.ts';
import { PROBLEM_CODES, type ProblemCode } from '../problem-codes.ts';
import { ProblemSchema } from '../schemas/common.ts';
import { Ref } from '../schemas/primitives.ts';

/** One documented problem status: the codes it carries, each with an example body. */
export interface ProblemResponse {
  readonly description: string;
  readonly headers?: Record<string, unknown>;
  readonly content: {
    readonly 'application/problem+json': {
      readonly schema: unknown;
      readonly examples: Record<string, { readonly summary: string; readonly value: Record<string, unknown> }>;
    };
  };
}

/** Which codes each documented response carries, so that responses can be merged by code later. */
const CODES_OF = new WeakMap<object, readonly ProblemCode[]>();

/** What a few problems carry beside the standard members, so their examples show it. */
const EXTENSIONS: Partial<Record<ProblemCode, Record<string, unknown>>> = {
  validation_failed: { errors: [{ path: '/body/name', message: 'must not be empty' }] },
  illegal_transition: { currentStatus: 'active', action: 'submit' },
  version_mismatch: { currentVersion: 4 },
  change_request_pending: { changeRequestId: '0193b0a1-2c3d-7e4f-8a5b-6c7d8e9f0a1b' },
  change_request_decided: { currentStatus: 'approved' },
};

/** An example body of `code`, as the error handler renders it. */
export function exampleProblem(code: ProblemCode): Record<string, unknown> {
  const { status, meaning } = PROBLEM_CODES[code];
  return {
    type: problemType(code),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    code,
    detail: `${meaning.replaceAll('`', '')}.`,
    requestId: '0193a5b2-7c1d-7e0f-9a4b-5c6d7e8f9a0b',
    ...EXTENSIONS[code],
  };
}

function describe(status: number, codes: readonly ProblemCode[]): string {
  const reason = STATUS_CODES[status] ?? 'Error';
  return `${reason}: ${codes.map((code) => `\`${code}\` (${PROBLEM_CODES[code].meaning})`).join('; ')}`;
}

/** Headers that come with a status whatever its code. */
const STATUS_HEADERS: Partial<Record<number, Record<string, unknown>>> = {
  429: { 'retry-after': { description: 'Seconds until the limit allows the request again', type: 'integer' } },
};

function response(status: number, codes: readonly ProblemCode[]): ProblemResponse {
  const headers = STATUS_HEADERS[status];
  const documented: ProblemResponse = {
    description: describe(status, codes),
    ...(headers && { headers }),
    content: {
      'application/problem+json': {
        schema: Ref(ProblemSchema),
        examples: Object.fromEntries(
          codes.map((code) => [code, { summary: PROBLEM_CODES[code].meaning, value: exampleProblem(code) }]),
        ),
      },
    },
  };
  CODES_OF.set(documented, codes);
  return documented;
}

/**
 * The `application/problem+json` responses for the problems a route can answer, grouped by status: each status
 * lists its codes with their meaning and one example body per code. Routes name only their own problems (`not_found`,
 * `illegal_transition`, …); the ones every route of a kind answers are added by `plugins/documented-problems.ts`.
 */
export function problemResponses(...codes: ProblemCode[]): Record<number, ProblemResponse> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of new Set(codes)) {
    const { status } = PROBLEM_CODES[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, response(status, list)]));
}

/**
 * Adds `codes` to a route's responses: a status the route documents with problem codes gets the new codes beside its
 * own; a status it documents otherwise (a success, a redirect) is left as it is.
 */
export function withProblems(
  responses: Record<string, unknown>,
  codes: readonly ProblemCode[],
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...responses };
  for (const [status, added] of Object.entries(problemResponses(...codes))) {
    const existing = merged[status];
    if (existing === undefined) merged[status] = added;
    else {
      const own = typeof existing === 'object' && existing !== null ? CODES_OF.get(existing) : undefined;
      if (own) merged[status] = response(Number(status), [...new Set([...own, ...(CODES_OF.get(added) ?? [])])]);
    }
  }
  return merged;
}
