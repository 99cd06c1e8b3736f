import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problemResponses } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { JwksCheckRequestSchema, JwksReportSchema } from './schemas.ts';
import { checkJwksUri } from './service.ts';

/** Registered under /api/v1. */
export const jwksCheckRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/jwks-checks',
    {
      schema: {
        operationId: 'checkJwks',
        tags: ['backend-services'],
        summary: 'Fetch a JWKS URI and report, key by key, whether it can serve SMART Backend Services',
        body: Ref(JwksCheckRequestSchema),
        response: { 200: Ref(JwksReportSchema), ...problemResponses(400, 401, 415) },
      },
    },
    async (request) => checkJwksUri(app.safeFetch, request.body.jwksUri),
  );
};
