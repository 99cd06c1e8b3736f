import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { jsonResponse, NO_STORE_HEADER } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { Ref } from '../../schemas/primitives.ts';
import { currentUser } from '../users/current-user.ts';
import { serviceContext } from './context.ts';
import {
  CUTOVER_EXAMPLES,
  ISSUED_SECRET_EXAMPLES,
  PRODUCTION_SECRET_EXAMPLES,
  ROTATE_SECRET_EXAMPLES,
} from './examples.ts';
import { BackendServiceSchema, IssuedClientSecretSchema, RotateSecretBodySchema, ServiceIdParams } from './schemas.ts';
import { confirmSecretCutover, retrieveProductionSecret, rotateSecret } from './secret-commands.ts';

const tags = ['backend-services'];

/**
 * The owner's client secrets per environment (README, "Credentials per environment"): rotation, the production
 * secret's cutover and its one retrieval. Registered under /api/v1, beside backendServiceRoutes.
 */
export const clientSecretRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = serviceContext(app);
  const issuedSecret = (what: string) =>
    jsonResponse(Ref(IssuedClientSecretSchema), what, { 'cache-control': NO_STORE_HEADER });

  app.post(
    '/backend-services/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateBackendServiceSecret',
        tags,
        summary: 'Issue a new client secret for one environment; the response is the only time it is shown',
        description:
          'For `client_secret` services only (409 `not_a_secret_client` for a key set). `environment` is required: ' +
          'the sandbox and production have separate secrets. **sandbox** (draft, under review or active): the new ' +
          'secret replaces the old one at once. **production** (active): a cutover without an outage: the new ' +
          'secret is pending and production keeps taking the old one until you confirm the switch ' +
          '(`POST …/rotate-secret/confirm`) or the deadline passes (`productionSecret.cutover.deadline`); then the ' +
          'provisioner applies it (`productionSecret.cutover.state` becomes `applied`). Rotating again while pending ' +
          'replaces the pending secret; while applying it answers 409 `secret_cutover_applying`. ' +
          '**production with `immediate: true`**: an emergency; the old secret stops working as soon as the ' +
          'provisioner has applied the new one. The README describes the cutover procedure step by step.',
        params: ServiceIdParams,
        body: RotateSecretBodySchema,
        response: {
          200: issuedSecret('The new secret'),
          ...problemResponses(
            'not_found',
            'illegal_transition',
            'not_a_secret_client',
            'no_production_secret',
            'secret_cutover_applying',
          ),
        },
      },
      config: { examples: { request: ROTATE_SECRET_EXAMPLES, responses: { 200: ISSUED_SECRET_EXAMPLES } } },
    },
    async (request, reply) => {
      const issued = await rotateSecret(ctx, currentUser(request), request.params.id, request.body);
      return reply.header('cache-control', 'no-store').send(issued);
    },
  );

  app.post(
    '/backend-services/:id/rotate-secret/confirm',
    {
      schema: {
        operationId: 'confirmBackendServiceSecretCutover',
        tags,
        summary: 'Switch production to the pending secret of a cutover now',
        description:
          'Take a fresh production token with the old secret first: it stays valid for its lifetime while the ' +
          'provisioner writes the new secret into production. Poll the service until ' +
          '`productionSecret.cutover.state` is `applied`, then take tokens with the new secret. 409 ' +
          '`no_secret_cutover_pending` (with `cutoverState`) when no rotation waits for its switch.',
        params: ServiceIdParams,
        response: {
          200: jsonResponse(Ref(BackendServiceSchema), 'Switched: production is being given the new secret'),
          ...problemResponses('not_found', 'illegal_transition', 'not_a_secret_client', 'no_secret_cutover_pending'),
        },
      },
      config: { examples: { responses: { 200: CUTOVER_EXAMPLES } } },
    },
    async (request) => confirmSecretCutover(ctx, currentUser(request), request.params.id),
  );

  app.post(
    '/backend-services/:id/production-secret',
    {
      schema: {
        operationId: 'retrieveBackendServiceProductionSecret',
        tags,
        summary: 'Retrieve the production secret issued at approval; it is shown only once',
        description:
          "An active `client_secret` service's production secret, which is not the sandbox secret (the sandbox " +
          'secret never works in production). The first request answers it; every later one 410 ' +
          '`production_secret_already_retrieved` (rotate the production secret if it is lost). 409 ' +
          '`illegal_transition` before approval, `not_a_secret_client` for a JWKS service.',
        params: ServiceIdParams,
        response: {
          200: issuedSecret('The production secret'),
          ...problemResponses(
            'not_found',
            'illegal_transition',
            'not_a_secret_client',
            'no_production_secret',
            'production_secret_already_retrieved',
          ),
        },
      },
      config: { examples: { responses: { 200: PRODUCTION_SECRET_EXAMPLES } } },
    },
    async (request, reply) => {
      const issued = await retrieveProductionSecret(ctx, currentUser(request), request.params.id);
      return reply.header('cache-control', 'no-store').send(issued);
    },
  );
};
