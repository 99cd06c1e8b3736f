import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type ProblemError, problemType } from '../errors.ts';
import { isUnforeseenClientError, routeNotFound, toProblem, unreadableRequestProblem } from '../framework-problems.ts';

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

/** The path of the request, without its query. */
export function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}

function problemBody(problem: ProblemError, requestId: string, instance?: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    type: problemType(problem.code),
    title: problem.title,
    status: problem.status,
    code: problem.code,
    ...(instance !== undefined && { instance }),
    requestId,
  };
  if (problem.detail !== undefined) body.detail = problem.detail;
  if (problem.errors !== undefined) body.errors = problem.errors;
  Object.assign(body, problem.extensions);
  return body;
}

/**
 * Sends a problem. The request id and nosniff headers are set here rather than left to hooks: errors the router
 * raises (a malformed URL, an over-long path segment) are answered before any hook has run.
 */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .header('x-request-id', request.id)
    .header('x-content-type-options', 'nosniff')
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send(problemBody(problem, request.id, pathOf(request)));
}

/** Renders any error as its problem, logged as refused (4xx) or failed (5xx). */
export function replyWithProblem(
  error: FastifyError | ProblemError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const problem = toProblem(error, pathOf(request), request.method);
  if (problem.status >= 500) request.log.error({ err: error, code: problem.code }, 'request failed');
  else if (isUnforeseenClientError(error)) request.log.warn({ err: error }, 'unmapped client error: malformed_request');
  else request.log.info({ code: problem.code, status: problem.status }, 'request refused');
  return sendProblem(request, reply, problem);
}

/**
 * Node's `clientError`: a request so malformed (bad HTTP syntax, oversized headers, too slow) that no request object
 * exists. It is answered on the socket itself, as the same problem+json with a fresh request id that the log line
 * carries too.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = unreadableRequestProblem(error.code);
  const requestId = randomUUID();
  // Not the error itself: a parse error carries the raw bytes received, credentials included.
  this.log.info({ reqId: requestId, errorCode: error.code, code: problem.code }, 'unreadable request refused');
  if (socket.writable) {
    const body = JSON.stringify(problemBody(problem, requestId));
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

/**
 * One error handler for the whole app: every failure leaves as problem+json with a stable `code`. (Errors of the
 * router reach {@link replyWithProblem} through Fastify's `frameworkErrors` option, and unreadable requests
 * {@link clientErrorHandler}; both are set where the app is built.)
 */
export const problemHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler(replyWithProblem);
    const fallbacks: NotFoundFallback[] = [];
    app.decorate('addNotFoundFallback', (fallback: NotFoundFallback) => {
      fallbacks.push(fallback);
    });
    app.setNotFoundHandler((request, reply) => {
      for (const fallback of fallbacks) {
        const answered = fallback(request, reply);
        if (answered) return answered;
      }
      return sendProblem(request, reply, routeNotFound(request.method, pathOf(request)));
    });
  },
  { name: 'problem-handler' },
);
