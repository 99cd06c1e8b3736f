import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Headers for every response. `nosniff`: a browser must take JSON for JSON, never guess a script or a page out of it.
 * `no-store` on authenticated reads: a user's data must not stay in a shared cache, nor in the browser's after
 * sign-out. A route that chose its own Cache-Control (the SPAs' files, the audit export) keeps it.
 */
export const responseHeadersPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onSend', async (request, reply) => {
      reply.header('x-content-type-options', 'nosniff');
      const read = request.method === 'GET' || request.method === 'HEAD';
      if (read && request.user && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
  },
  { name: 'response-headers', dependencies: ['authentication'] },
);
