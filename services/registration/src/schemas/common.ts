import { Type } from 'typebox';
import { PROBLEM_CODE_NAMES } from '../problem-codes.ts';
import { Ref, StringEnum } from './primitives.ts';

export const FieldErrorSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON Pointer into the request, prefixed with the part: /body/scopes/0' }),
    message: Type.String(),
  },
  { $id: 'FieldError' },
);

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI naming the problem type; stable per code' }),
    title: Type.String(),
    status: Type.Integer(),
    code: StringEnum(PROBLEM_CODE_NAMES, {
      description: 'Stable machine-readable code, e.g. illegal_transition; each is always sent with the same status',
    }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Ref(FieldErrorSchema))),
    currentStatus: Type.Optional(Type.String({ description: 'On illegal_transition: the status the service is in' })),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details', additionalProperties: true },
);

const PROBLEM_DESCRIPTIONS = {
  400: 'Invalid request (validation_failed, malformed_request, ...)',
  401: 'Missing or invalid credentials',
  403: 'Authenticated but not allowed',
  404: 'Not found (also for services the caller does not own)',
  409: 'Illegal transition for the current status',
  412: 'If-Match does not name the current version',
  413: 'Request body too large',
  415: 'Unsupported media type',
  422: 'Idempotency-Key reused with a different request',
  428: 'If-Match missing',
  429: 'Too many requests; see Retry-After',
  503: 'Not ready: a dependency does not answer',
} as const;
type ProblemStatus = keyof typeof PROBLEM_DESCRIPTIONS;

/**
 * Response schemas for the problem statuses a route can answer (every route also answers 500), documented with the
 * `application/problem+json` media type the error handler sends.
 */
export function problemResponses(...statuses: ProblemStatus[]) {
  const responses: Record<number, { description: string; content: Record<string, { schema: unknown }> }> = {};
  for (const status of [...statuses, 500] as const) {
    responses[status] = {
      description: status === 500 ? 'Internal error' : PROBLEM_DESCRIPTIONS[status as ProblemStatus],
      content: { 'application/problem+json': { schema: Ref(ProblemSchema) } },
    };
  }
  return responses;
}

/**
 * A problem response with its own description, for a status whose meaning on this route differs from the usual one
 * (or is not among them).
 */
export function describedProblem(status: number, description: string) {
  return {
    [status]: { description, content: { 'application/problem+json': { schema: Ref(ProblemSchema) } } },
  };
}

/** Page size when the client does not ask for one. */
export const DEFAULT_PAGE_SIZE = 20;

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE, description: 'Page size' }),
  ),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the previous page' })),
};

export const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: 'Pass as ?cursor= for the next page; null on the last page',
});

export const SHARED_SCHEMAS = [FieldErrorSchema, ProblemSchema];
