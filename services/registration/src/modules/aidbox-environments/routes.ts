import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { NamedExample } from '../../openapi/examples.ts';
import { jsonResponse } from '../../openapi/json-response.ts';
import { Ref } from '../../schemas/primitives.ts';
import { type AidboxEnvironments, AidboxEnvironmentsSchema } from './schemas.ts';

const EXAMPLES = {
  read: {
    summary: 'A sandbox that accepts RS384 and ES384, and a production Aidbox as documented (RS384 only)',
    value: {
      sandbox: {
        tokenEndpointAuthSigningAlgs: ['RS384', 'ES384'],
        source: 'smart-configuration',
        readAt: '2026-11-04T07:00:00.000Z',
      },
      production: {
        tokenEndpointAuthSigningAlgs: ['RS384'],
        source: 'smart-configuration',
        readAt: '2026-11-04T07:00:00.000Z',
      },
    } satisfies AidboxEnvironments,
  },
  assumed: {
    summary: 'A production Aidbox whose SMART configuration could not be read: RS384 is assumed',
    value: {
      sandbox: {
        tokenEndpointAuthSigningAlgs: ['RS384', 'ES384'],
        source: 'smart-configuration',
        readAt: '2026-11-04T07:00:00.000Z',
      },
      production: { tokenEndpointAuthSigningAlgs: ['RS384'], source: 'assumed', readAt: null },
    } satisfies AidboxEnvironments,
  },
} satisfies Record<string, NamedExample>;

/** What the Aidbox environments advertise. Registered under /api/v1. */
export const aidboxEnvironmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/environments',
    {
      schema: {
        operationId: 'getAidboxEnvironments',
        tags: ['backend-services'],
        summary: 'What each Aidbox environment advertises to SMART Backend Services clients (signing algorithms)',
        description:
          "Read from each environment's `/.well-known/smart-configuration` and cached (SMART_CONFIGURATION_MAX_AGE_SECONDS). " +
          'Sign client assertions with an algorithm the environment lists: a production Aidbox as documented accepts ' +
          'RS384 only. JWKS checks judge each key against these lists.',
        response: { 200: jsonResponse(Ref(AidboxEnvironmentsSchema), 'What each environment advertises') },
      },
      config: { examples: { responses: { 200: EXAMPLES } } },
    },
    async () => app.aidboxEnvironments.environments(),
  );
};
