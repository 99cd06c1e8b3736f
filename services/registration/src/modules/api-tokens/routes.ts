import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { jsonResponse, NO_STORE_HEADER } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref, Uuid } from '../../schemas/primitives.ts';
import { currentUser } from '../users/current-user.ts';
import { CREATE_TOKEN_EXAMPLES, CREATED_TOKEN_EXAMPLES, TOKEN_LIST_EXAMPLES } from './examples.ts';
import { ApiTokenListSchema, CreateApiTokenSchema, CreatedApiTokenSchema } from './schemas.ts';
import { createApiToken, listApiTokenPage, revokeApiToken } from './service.ts';

const tags = ['api-tokens'];

/** Personal access tokens for partner tooling. Registered under /api/v1. */
export const apiTokenRoutes =
  (options: { maxDays: number }): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/api-tokens',
      {
        schema: {
          operationId: 'listApiTokens',
          tags,
          summary: "The caller's personal access tokens (never the tokens themselves)",
          description: 'Newest first, revoked and expired ones included, each with its prefix to tell them apart.',
          querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
          response: {
            200: jsonResponse(Ref(ApiTokenListSchema), 'A page of tokens'),
            ...problemResponses('invalid_cursor'),
          },
        },
        config: { examples: { responses: { 200: TOKEN_LIST_EXAMPLES } } },
      },
      async (request) => listApiTokenPage(app.db, currentUser(request).id, request.query, options.maxDays),
    );

    app.post(
      '/api-tokens',
      {
        schema: {
          operationId: 'createApiToken',
          tags,
          summary: 'Create a personal access token; the response is the only time it is shown',
          description:
            'For partner tooling: send it as `Authorization: Bearer <token>`. The portal keeps only its hash. It acts ' +
            "as the caller, with the caller's role, until it expires or is revoked.",
          body: Ref(CreateApiTokenSchema),
          response: {
            201: jsonResponse(Ref(CreatedApiTokenSchema), 'Created', { 'cache-control': NO_STORE_HEADER }),
          },
        },
        config: { examples: { request: CREATE_TOKEN_EXAMPLES, responses: { 201: CREATED_TOKEN_EXAMPLES } } },
      },
      async (request, reply) => {
        const created = await createApiToken(app.db, currentUser(request).id, request.body, options.maxDays);
        return reply.code(201).header('cache-control', 'no-store').send(created);
      },
    );

    app.delete(
      '/api-tokens/:id',
      {
        schema: {
          operationId: 'revokeApiToken',
          tags,
          summary: 'Revoke a token; it stops working at once',
          description: 'On every replica, at once. Revoking a revoked token answers 204 again.',
          params: Type.Object({ id: Uuid }),
          response: { 204: Type.Null({ description: 'Revoked' }), ...problemResponses('not_found') },
        },
      },
      async (request, reply) => {
        const user = currentUser(request);
        await revokeApiToken(app.db, user.id, request.params.id);
        // Other replicas hear of it from the database within moments; this one must not answer the next request
        // from its cache before the notification arrives.
        app.tokenCache?.invalidateUser(user.id);
        return reply.code(204).send(null);
      },
    );
  };
