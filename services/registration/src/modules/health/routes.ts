import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import { Type } from 'typebox';
import { ProblemError } from '../../errors.ts';
import { problemResponses } from '../../schemas/common.ts';

const Status = Type.Object({ status: Type.String() });

/** Liveness and readiness probes. Registered under /api. */
export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: Status, ...problemResponses() },
      },
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
        response: { 200: Status, ...problemResponses(503) },
      },
    },
    async () => {
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
