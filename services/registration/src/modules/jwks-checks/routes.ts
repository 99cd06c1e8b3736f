import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { tooManyRequests } from '../../plugins/rate-limits.ts';
import { problemResponses } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { JwksCheckRequestSchema, JwksReportSchema } from './schemas.ts';
import { checkJwksUri } from './service.ts';

export const JWKS_CHECKS_PER_MINUTE = 20;

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
        response: { 200: Ref(JwksReportSchema), ...problemResponses(400, 401, 415, 429) },
      },
      // Each check makes this server fetch a URL of the caller's choosing: a few per minute is what a person needs.
      config: {
        rateLimit: {
          max: JWKS_CHECKS_PER_MINUTE,
          timeWindow: 60_000,
          keyGenerator: (request) => request.user?.id ?? request.ip,
          errorResponseBuilder: (_request, context) =>
            tooManyRequests(`At most ${context.max} checks a minute`, context.ttl),
        },
      },
    },
    async (request) => checkJwksUri(app.safeFetch, request.body.jwksUri),
  );
};
