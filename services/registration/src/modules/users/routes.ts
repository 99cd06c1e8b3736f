import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { currentUser } from '../../plugins/authentication.ts';
import { problemResponses } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { MeSchema } from './schemas.ts';

/** Registered under /api/v1. */
export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/me',
    {
      schema: {
        operationId: 'getMe',
        tags: ['users'],
        summary: 'The caller: id, e-mail, name and role',
        response: { 200: Ref(MeSchema), ...problemResponses(401, 429) },
      },
    },
    async (request) => currentUser(request),
  );
};
