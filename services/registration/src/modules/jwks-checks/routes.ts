import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkJwksUri } from '@payerbox/key-set-check';
import { jsonResponse } from '../../openapi/json-response.ts';
import { tooManyRequests } from '../../plugins/rate-limits.ts';
import { Ref } from '../../schemas/primitives.ts';
import { JWKS_CHECK_EXAMPLES, JWKS_REPORT_EXAMPLES } from './examples.ts';
import { JwksCheckRequestSchema, JwksReportSchema } from './schemas.ts';

export const JWKS_CHECKS_PER_MINUTE = 20;

/** Registered under /api/v1. */
export const jwksCheckRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/jwks-checks',
    {
      schema: {
        operationId: 'checkJwks',
        tags: ['backend-services'],
        summary:
          'Fetch a JWKS URI and report, key by key and environment by environment, whether it can serve SMART ' +
          'Backend Services',
        description:
          'The same check create, edit and submit run. The URL is fetched through the SSRF-safe fetcher (https, ' +
          'public addresses only, no redirects, 5 s, 64 KiB). Whatever goes wrong, from DNS to TLS, is a failing ' +
          'report whose first `documentProblems` entry says what happened. `findings` says every problem as ' +
          'sentences for people, the worst first (a published private key leads), each with a stable `code`. ' +
          'Each key is judged against the algorithms ' +
          'each environment advertises (GET /api/v1/environments; a production Aidbox as documented takes RS384 ' +
          'only): `usableIn` says where it can sign assertions, and the set fails unless every environment has a ' +
          'key it accepts. At most 20 checks a minute per user.',
        body: Ref(JwksCheckRequestSchema),
        response: { 200: jsonResponse(Ref(JwksReportSchema), 'The report (verdict pass or fail)') },
      },
      // Each check makes this server fetch a URL of the caller's choosing: a few per minute is what a person needs.
      config: {
        examples: { request: JWKS_CHECK_EXAMPLES, responses: { 200: JWKS_REPORT_EXAMPLES } },
        rateLimit: {
          max: JWKS_CHECKS_PER_MINUTE,
          timeWindow: 60_000,
          keyGenerator: (request) => request.user?.id ?? request.ip,
          errorResponseBuilder: (_request, context) =>
            tooManyRequests(`At most ${context.max} checks a minute`, context.ttl),
        },
      },
    },
    async (request) =>
      checkJwksUri(
        { safeFetch: app.safeFetch, advertisedAlgorithms: () => app.aidboxEnvironments.advertisedAlgorithms() },
        request.body.jwksUri,
      ),
  );
};
