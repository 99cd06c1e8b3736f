import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { jsonResponse } from '../../openapi/json-response.ts';
import { Ref } from '../../schemas/primitives.ts';
import { currentUser } from './current-user.ts';
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
        description: 'Who the credentials belong to: a quick way to check a new API token works.',
        response: { 200: jsonResponse(Ref(MeSchema), 'The caller') },
      },
      config: {
        examples: {
          responses: {
            200: {
              developer: {
                summary: 'A developer',
                value: {
                  id: '0193a5b2-7c1d-7e0f-9a4b-5c6d7e8f9a0b',
                  email: 'dana@partner.example',
                  name: 'Dana Developer',
                  role: 'developer',
                },
              },
            },
          },
        },
      },
    },
    async (request) => currentUser(request),
  );
};
