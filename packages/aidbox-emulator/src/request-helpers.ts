import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperationResult } from './resource-operations.ts';

/** Answers with an operation's status, headers and body (none for 204). */
export function send(reply: FastifyReply, result: OperationResult): FastifyReply {
  reply.code(result.status).headers(result.headers);
  return result.body === undefined ? reply.send() : reply.send(result.body);
}

export function ifMatch(request: FastifyRequest): string | undefined {
  return request.headers['if-match'];
}

/** The query string as URLSearchParams, repeated parameters kept (Fastify's parsed query folds them). */
export function queryOf(request: FastifyRequest): URLSearchParams {
  const question = request.url.indexOf('?');
  return new URLSearchParams(question < 0 ? '' : request.url.slice(question + 1));
}

/** Query parameters as Aidbox puts them into a policy's `params`: one value as a string, repeated ones as an array. */
export function queryParams(query: URLSearchParams): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    const values = query.getAll(name);
    params[name] = values.length === 1 ? (values[0] as string) : values;
  }
  return params;
}
