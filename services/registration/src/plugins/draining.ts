import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problemOf } from '../errors.ts';

/**
 * Once shutdown begins, a request that still arrives on an open keep-alive connection is refused with 503
 * `shutting_down` and `Connection: close`, so that its client retries on another instance while the requests in
 * flight finish. Fastify would refuse these itself (`return503OnClosing`) with its own JSON; that is switched off
 * where the app is built, so that this answer is the same problem+json as every other error.
 */
export const drainingPlugin = fp(
  async (app: FastifyInstance) => {
    let draining = false;
    app.addHook('preClose', async () => {
      draining = true;
      app.log.info('draining: requests arriving on open connections are refused with 503');
    });
    app.addHook('onRequest', async () => {
      if (!draining) return;
      throw problemOf('shutting_down', {
        title: 'Shutting down',
        detail: 'This instance is finishing its requests before it stops; send the request again.',
        headers: { connection: 'close' },
      });
    });
  },
  { name: 'draining', dependencies: ['problem-handler'] },
);
