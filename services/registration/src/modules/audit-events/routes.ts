import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIFECYCLE_ACTIONS } from '@payerbox/domain';
import { Type } from 'typebox';
import { PageQuery, problemResponses } from '../../schemas/common.ts';
import { Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';
import { ServiceEventPageSchema } from '../backend-services/schemas.ts';
import { listEventPage } from './service.ts';

/** Admin: the whole audit trail. Registered under /api/v1/admin. */
export const auditEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit-events',
    {
      schema: {
        operationId: 'listAuditEvents',
        tags: ['admin'],
        summary: 'Every lifecycle event, newest first',
        querystring: Type.Object(
          {
            serviceId: Type.Optional(Uuid),
            actorId: Type.Optional(Uuid),
            action: Type.Optional(StringEnum([...LIFECYCLE_ACTIONS, 'resync'])),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Ref(ServiceEventPageSchema), ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => listEventPage(app.db, request.query),
  );
};
