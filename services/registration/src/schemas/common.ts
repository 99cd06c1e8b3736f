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
