import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { serviceContext } from '../backend-services/context.ts';
import { EVENT_PAGE_EXAMPLES } from '../backend-services/examples.ts';
import { ServiceEventPageSchema, ServiceIdParams } from '../backend-services/schemas.ts';
import { getService } from '../backend-services/service.ts';
import { currentUser } from '../users/current-user.ts';
import { listEventPage } from './service.ts';

/**
 * A developer's view of the audit trail: the timeline of one of their own services. Registered under /api/v1 right
 * after the backend-service routes, beside which it is documented (tag backend-services).
 */
export const serviceTimelineRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = serviceContext(app);

  app.get(
    '/backend-services/:id/events',
    {
      schema: {
        operationId: 'listBackendServiceEvents',
        tags: ['backend-services'],
        summary: "The service's timeline, newest first",
        description:
          'Every lifecycle event of the service: who did what and when, status changes, review notes and reasons, ' +
          'and for edits the fields that changed with their values before and after.',
        params: ServiceIdParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: {
          200: jsonResponse(Ref(ServiceEventPageSchema), 'A page of events'),
          ...problemResponses('not_found', 'invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: EVENT_PAGE_EXAMPLES } } },
    },
    async (request) => {
      await getService(ctx, request.params.id, { user: currentUser(request), actor: 'owner' });
      return listEventPage(app.db, { serviceId: request.params.id, ...request.query });
    },
  );
};
