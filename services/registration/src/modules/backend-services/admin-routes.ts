import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../plugins/authentication.ts';
import { PageQuery, problemResponses } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import {
  AdminListServicesQuery,
  ApproveBodySchema,
  BackendServicePageSchema,
  BackendServiceSchema,
  ReasonBodySchema,
  ServiceIdParams,
} from './schemas.ts';
import { getService, listServicePage, resyncService, reviewQueuePage, serviceContext } from './service.ts';
import { runTransition } from './transitions.ts';

const tags = ['admin'];
const decisionResponses = { 200: Ref(BackendServiceSchema), ...problemResponses(400, 401, 403, 404, 409, 429) };

/** Review and oversight of every service. Registered under /api/v1/admin behind requireAdmin. */
export const adminBackendServiceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = serviceContext(app);

  app.get(
    '/backend-services',
    {
      schema: {
        operationId: 'adminListBackendServices',
        tags,
        summary: 'All backend services, newest first; filter by status, search by name, client id or owner e-mail',
        querystring: AdminListServicesQuery,
        response: { 200: Ref(BackendServicePageSchema), ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => listServicePage(ctx, request.query, { actor: 'admin' }),
  );

  app.get(
    '/review-queue',
    {
      schema: {
        operationId: 'adminReviewQueue',
        tags,
        summary: 'Services under review, the one waiting longest first (by submission time)',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Ref(BackendServicePageSchema), ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => reviewQueuePage(ctx, request.query),
  );

  app.get(
    '/backend-services/:id',
    {
      schema: {
        operationId: 'adminGetBackendService',
        tags,
        params: ServiceIdParams,
        response: { 200: Ref(BackendServiceSchema), ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => getService(ctx, request.params.id, { user: currentUser(request), actor: 'admin' }),
  );

  app.post(
    '/backend-services/:id/approve',
    {
      schema: {
        operationId: 'approveBackendService',
        tags,
        summary: 'Approve a service under review: status active, production client provisioned',
        params: ServiceIdParams,
        body: ApproveBodySchema,
        response: decisionResponses,
      },
      // The note is optional, so partner tools may send no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const note = request.body.note?.trim() || null;
      const reviewer = currentUser(request);
      return runTransition(ctx, {
        id: request.params.id,
        action: 'approve',
        actor: 'admin',
        user: reviewer,
        changes: () => ({ reviewNote: note, reviewedAt: new Date(), reviewedBy: reviewer.id }),
        detail: note ? { note } : {},
      });
    },
  );

  app.post(
    '/backend-services/:id/resync',
    {
      schema: {
        operationId: 'resyncBackendService',
        tags,
        summary: 'Queue a reconcile of every environment the service is provisioned in (retries failed ones)',
        params: ServiceIdParams,
        response: { 202: Ref(BackendServiceSchema), ...problemResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request, reply) => {
      const service = await resyncService(ctx, currentUser(request), request.params.id);
      return reply.code(202).send(service);
    },
  );

  // Reject and deactivate differ only in the status they start from; both need a reason the developer will read.
  const reasonedDecisions = [
    {
      action: 'reject',
      operationId: 'rejectBackendService',
      summary: 'Reject a service under review (reason required); its sandbox client is disabled',
    },
    {
      action: 'deactivate',
      operationId: 'deactivateBackendService',
      summary: 'Deactivate an active service (reason required); production and sandbox clients are disabled',
    },
  ] as const;
  for (const decision of reasonedDecisions) {
    app.post(
      `/backend-services/:id/${decision.action}`,
      {
        schema: {
          operationId: decision.operationId,
          tags,
          summary: decision.summary,
          params: ServiceIdParams,
          body: ReasonBodySchema,
          response: decisionResponses,
        },
      },
      async (request) => {
        const reason = request.body.reason.trim();
        const reviewer = currentUser(request);
        return runTransition(ctx, {
          id: request.params.id,
          action: decision.action,
          actor: 'admin',
          user: reviewer,
          reason,
          changes: () => ({ rejectionReason: reason, reviewedAt: new Date(), reviewedBy: reviewer.id }),
          detail: { reason },
        });
      },
    );
  }
};
