import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { ResponseLike } from './problem.ts';

export interface HttpResponse extends ResponseLike {
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface HttpClient {
  readonly baseUrl: string;
  /** Sends one request over a real loopback connection, as the holder of `token`. */
  send(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<HttpResponse>;
}

// Every request is bounded, so a hung server fails the test instead of stalling the run.
const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Makes the app listen on an ephemeral loopback port (closed with the app, which buildTestApp tears down), for tests
 * where requests must really run side by side over TCP rather than through `inject`.
 */
export async function listen(app: FastifyInstance): Promise<HttpClient> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    async send(token, method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: text,
        json: () => JSON.parse(text),
      };
    },
  };
}
