import type { FastifyError } from 'fastify';
import { type FieldError, ProblemError, problemOf, problems } from './errors.ts';
import type { ProblemCode } from './problem-codes.ts';

type Mapping = readonly [code: ProblemCode, title: string];

const MALFORMED: Mapping = ['malformed_request', 'Malformed request'];
const NO_ROUTE: Mapping = ['route_not_found', 'Not found'];

/** Fastify's and its plugins' own errors that a client can cause, by their `code`. */
const BY_ERROR_CODE: Record<string, Mapping> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Unsupported media type'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'Request body too large'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: MALFORMED,
  FST_ERR_CTP_INVALID_JSON_BODY: MALFORMED,
  // The router could not decode the path (bad percent-encoding), or a path parameter exceeds maxParamLength.
  FST_ERR_BAD_URL: MALFORMED,
  FST_ERR_INVALID_URL: MALFORMED,
  FST_ERR_MAX_PARAM_LENGTH: ['uri_too_long', 'Path segment too long'],
  // @fastify/static answers 403 to non-canonical paths (`//api/...`, `/a/./b`, `..`) so that they cannot slip past a
  // route guard; such a path names no file and no route of ours, which a client should hear as a 404.
  FST_STATIC_FORBIDDEN_PATH: NO_ROUTE,
};

/** Any other client error a plugin answers with, by status (e.g. @fastify/send's 412 and 416 for static files). */
const BY_STATUS: Record<number, Mapping> = {
  400: MALFORMED,
  403: ['forbidden', 'Forbidden'],
  404: NO_ROUTE,
  405: ['method_not_allowed', 'Method not allowed'],
  408: ['request_timeout', 'Request timeout'],
  412: ['precondition_failed', 'Precondition failed'],
  413: ['payload_too_large', 'Request body too large'],
  414: ['uri_too_long', 'URI too long'],
  415: ['unsupported_media_type', 'Unsupported media type'],
  416: ['range_not_satisfiable', 'Range not satisfiable'],
  429: ['rate_limited', 'Too many requests'],
  431: ['header_fields_too_large', 'Request headers too large'],
};

/** Details that name the request instead of repeating Fastify's wording. */
const DETAIL_BY_ERROR_CODE: Record<string, string> = {
  FST_ERR_BAD_URL: 'The path is not valid percent-encoded UTF-8.',
  FST_ERR_MAX_PARAM_LENGTH: 'A segment of the path is longer than any identifier of this API.',
};

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns Ajv errors into `{ path, message }` with the request part as prefix (`/body/name`). */
function fieldErrors(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'body';
  return ((error.validation ?? []) as AjvLikeError[]).map((item) => {
    let path = `/${context}${item.instancePath ?? ''}`;
    const params = item.params ?? {};
    if (typeof params.missingProperty === 'string') path += `/${params.missingProperty}`;
    if (typeof params.additionalProperty === 'string') {
      return { path: `${path}/${params.additionalProperty}`, message: 'is not a known property' };
    }
    return { path, message: item.message ?? 'is invalid' };
  });
}

/**
 * A client error of a framework or plugin that neither its code nor its status maps. It becomes a 400
 * `malformed_request` (the client did something we did not foresee), logged so that it can be mapped.
 */
export function isUnforeseenClientError(error: FastifyError | ProblemError): boolean {
  if (error instanceof ProblemError || error.validation) return false;
  const status = error.statusCode ?? 0;
  return status >= 400 && status < 500 && BY_ERROR_CODE[error.code] === undefined && BY_STATUS[status] === undefined;
}

/** The 404 of a path that no route has. */
export function routeNotFound(method: string, path: string): ProblemError {
  return problemOf('route_not_found', { title: 'Not found', detail: `No route ${method} ${path}.` });
}

/**
 * What a request Node could not parse (Node's `clientError`, by its error code) is answered with: too large headers,
 * too slow, or not HTTP.
 */
export function unreadableRequestProblem(errorCode: string | undefined): ProblemError {
  if (errorCode === 'HPE_HEADER_OVERFLOW') {
    return problemOf('header_fields_too_large', {
      title: 'Request headers too large',
      detail: 'The request line and headers exceed the size this server reads.',
    });
  }
  if (errorCode === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return problemOf('request_timeout', { title: 'Request timeout', detail: 'The request did not arrive in time.' });
  }
  return problemOf('malformed_request', { title: 'Malformed request', detail: 'This is not a valid HTTP request.' });
}

/** The problem any error becomes: ours as they are, schema errors, framework client errors, and the rest as 500. */
export function toProblem(error: FastifyError | ProblemError, path: string, method: string): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error.validation) return problems.validation(fieldErrors(error));
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const [code, title] = BY_ERROR_CODE[error.code] ?? BY_STATUS[status] ?? MALFORMED;
    if (code === 'route_not_found') return routeNotFound(method, path);
    return problemOf(code, { title, detail: DETAIL_BY_ERROR_CODE[error.code] ?? error.message, cause: error });
  }
  // Anything else is our fault: the body never says more than this (internals stay in the log).
  return problemOf('internal_error', {
    title: 'Internal server error',
    detail: 'Something went wrong on our side; the request id identifies it in our logs.',
    cause: error,
  });
}
