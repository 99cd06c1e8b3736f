import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../plugins/authentication.ts';
import { PageQuery, problemResponses } from '../../schemas/common.ts';
import { Ref, Uuid } from '../../schemas/primitives.ts';
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
          querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
          response: { 200: Ref(ApiTokenListSchema), ...problemResponses(400, 401, 429) },
        },
      },
      async (request) => listApiTokenPage(app.db, currentUser(request).id, request.query),
    );

    app.post(
      '/api-tokens',
      {
        schema: {
          operationId: 'createApiToken',
          tags,
          summary: 'Create a personal access token; the response is the only time it is shown',
          body: Ref(CreateApiTokenSchema),
          response: { 201: Ref(CreatedApiTokenSchema), ...problemResponses(400, 401, 415, 429) },
        },
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
          params: Type.Object({ id: Uuid }),
          response: { 204: Type.Null({ description: 'Revoked' }), ...problemResponses(400, 401, 404, 429) },
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
