import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { ProblemError } from '../../errors.ts';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';

const Status = Type.Object({ status: Type.String() });

/** Liveness and readiness probes. Registered under /api. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // From the moment shutdown begins, readiness fails, so that load balancers stop sending new requests while the
  // requests in flight finish (requests arriving on open connections meanwhile get 503 from plugins/draining.ts).
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Liveness: the process answers',
        description: 'Touches nothing else, so a database outage does not restart the process. Never rate limited.',
        security: [],
        response: { 200: jsonResponse(Status, 'Alive') },
      },
      config: { examples: { responses: { 200: { ok: { summary: 'Alive', value: { status: 'ok' } } } } } },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['health'],
        security: [],
        summary: 'Readiness: the database answers',
        description: 'Fails from the moment shutdown begins, so load balancers stop sending new requests.',
        response: { 200: jsonResponse(Status, 'Ready'), ...problemResponses('not_ready', 'shutting_down') },
      },
      config: { examples: { responses: { 200: { ready: { summary: 'Ready', value: { status: 'ready' } } } } } },
    },
    async () => {
      if (draining) {
        throw new ProblemError({
          status: 503,
          code: 'shutting_down',
          title: 'Shutting down',
          detail: 'This instance is finishing its requests before it stops.',
        });
      }
      try {
        await sql`select 1`.execute(app.db);
      } catch (cause) {
        throw new ProblemError({
          status: 503,
          code: 'not_ready',
          title: 'Not ready',
          detail: 'The database does not answer.',
          cause,
        });
      }
      return { status: 'ready' };
    },
  );
};
