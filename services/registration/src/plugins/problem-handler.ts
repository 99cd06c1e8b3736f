import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type FieldError, ProblemError, problemType } from '../errors.ts';

/**
 * Answers a request that matched no route (and returns the reply), or declines with `undefined`: the request then
 * becomes a 404 problem.
 */
export type NotFoundFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Lets a plugin answer requests that match no route before they become a 404 problem (the SPAs' history-API
     * fallback). Fastify allows one not-found handler per prefix, so plugins hook in here instead of setting theirs.
     */
    addNotFoundFallback(fallback: NotFoundFallback): void;
  }
}

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
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

/** Maps Fastify's own 4xx errors (bad JSON, wrong media type, too large) to stable codes. */
function frameworkProblem(error: FastifyError): ProblemError {
  const status = error.statusCode ?? 500;
  const byCode: Record<string, [string, string]> = {
    FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Unsupported media type'],
    FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'Request body too large'],
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['malformed_request', 'Malformed request'],
    FST_ERR_CTP_EMPTY_JSON_BODY: ['malformed_request', 'Malformed request'],
    FST_ERR_CTP_INVALID_JSON_BODY: ['malformed_request', 'Malformed request'],
  };
  const [code, title] =
    byCode[error.code] ??
    (error instanceof SyntaxError ? ['malformed_request', 'Malformed request'] : ['bad_request', 'Bad request']);
  return new ProblemError({ status, code, title, detail: error.message, cause: error });
}

function toProblem(error: FastifyError | ProblemError): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error.validation)
    return new ProblemError({
      status: 400,
      code: 'validation_failed',
      title: 'Invalid request',
      detail: 'The request does not match the schema.',
      errors: fieldErrors(error),
    });
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return frameworkProblem(error);
  // Anything else is our fault: the body never says more than this (internals stay in the log).
  return new ProblemError({
    status: 500,
    code: 'internal_error',
    title: 'Internal server error',
    detail: 'Something went wrong on our side; the request id identifies it in our logs.',
    cause: error,
  });
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  const body: Record<string, unknown> = {
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    code: problem.code,
    instance: request.url.split('?')[0],
    requestId: request.id,
  };
  if (problem.detail !== undefined) body.detail = problem.detail;
  if (problem.errors !== undefined) body.errors = problem.errors;
  Object.assign(body, problem.extensions);
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send(body);
}

/** One error handler for the whole app: every failure leaves as problem+json with a stable `code`. */
export const problemHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
      const problem = toProblem(error);
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
      return sendProblem(request, reply, problem);
    });
    const fallbacks: NotFoundFallback[] = [];
    app.decorate('addNotFoundFallback', (fallback: NotFoundFallback) => {
      fallbacks.push(fallback);
    });
    app.setNotFoundHandler((request, reply) => {
      for (const fallback of fallbacks) {
        const answered = fallback(request, reply);
        if (answered) return answered;
      }
      return sendProblem(
        request,
        reply,
        new ProblemError({
          status: 404,
          code: 'route_not_found',
          title: 'Not found',
          detail: `No route ${request.method} ${request.url.split('?')[0]}.`,
        }),
      );
    });
  },
  { name: 'problem-handler' },
);
