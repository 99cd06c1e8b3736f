import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems } from '../../errors.ts';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { Ref } from '../../schemas/primitives.ts';
import { currentUser } from '../users/current-user.ts';
import { approveService, deactivateService, rejectService, resyncService, returnService } from './commands.ts';
import { serviceContext } from './context.ts';
import {
  ADMIN_PAGE_EXAMPLES,
  ADMIN_SERVICE_EXAMPLES,
  APPROVE_EXAMPLES,
  DEACTIVATE_EXAMPLES,
  DECIDED_EXAMPLES,
  REJECT_EXAMPLES,
  REJECTED_EXAMPLES,
  REMOVED_EXAMPLES,
  RETURN_EXAMPLES,
  RETURNED_EXAMPLES,
} from './examples.ts';
import {
  AdminListServicesQuery,
  ApproveBodySchema,
  BackendServicePageSchema,
  BackendServiceSchema,
  ReasonBodySchema,
  ServiceIdParams,
} from './schemas.ts';
import { getService, listServicePage } from './service.ts';

const tags = ['admin'];
const decisionResponses = {
  200: jsonResponse(Ref(BackendServiceSchema), 'The service as decided'),
  ...problemResponses('not_found', 'illegal_transition'),
};

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
        description:
          "Every owner's services, with the rejected ones their owners removed from the dashboard (`deletedAt` set; " +
          'deleted drafts are not listed, nor removed services in a search). `q` matches a part of the name, the ' +
          "client id or the owner's e-mail (at least " +
          'three characters search an index; shorter text still works, more slowly).',
        querystring: AdminListServicesQuery,
        response: {
          200: jsonResponse(Ref(BackendServicePageSchema), 'A page of services'),
          ...problemResponses('invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: ADMIN_PAGE_EXAMPLES } } },
    },
    async (request) => listServicePage(ctx, request.query, { actor: 'admin' }),
  );

  app.get(
    '/backend-services/:id',
    {
      schema: {
        operationId: 'adminGetBackendService',
        tags,
        summary: 'Any service, with the actions an admin may take on it',
        description:
          'As the owner sees it, with `availableActions` for an admin (return, approve, reject, deactivate). A ' +
          'rejected service its owner removed from the dashboard is still here, with `deletedAt` and no actions.',
        params: ServiceIdParams,
        response: {
          200: jsonResponse(Ref(BackendServiceSchema), 'The service'),
          ...problemResponses('not_found'),
        },
      },
      config: { examples: { responses: { 200: { ...ADMIN_SERVICE_EXAMPLES, ...REMOVED_EXAMPLES } } } },
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
        description:
          'The production client and its access policy (derived from the scopes) are provisioned in the background; ' +
          'watch `environments.production.state`. The optional note is shown to the developer. Of two concurrent ' +
          'decisions exactly one wins; the other answers 409.',
        params: ServiceIdParams,
        body: ApproveBodySchema,
        response: decisionResponses,
      },
      config: { examples: { request: APPROVE_EXAMPLES, responses: { 200: DECIDED_EXAMPLES } } },
      // The note is optional, so partner tools may send no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => approveService(ctx, currentUser(request), request.params.id, request.body),
  );

  app.post(
    '/backend-services/:id/resync',
    {
      schema: {
        operationId: 'resyncBackendService',
        tags,
        summary: 'Queue a reconcile of every environment the service is provisioned in (retries failed ones)',
        description:
          "Makes the provisioner apply the service's current configuration again in every environment it has, " +
          "whatever their state: use it after a `failed` environment's cause is fixed, or to repair drift. Audited.",
        params: ServiceIdParams,
        response: {
          202: jsonResponse(Ref(BackendServiceSchema), 'Queued; the environments are pending again'),
          ...problemResponses('not_found'),
        },
      },
      config: { examples: { responses: { 202: { active: ADMIN_SERVICE_EXAMPLES.active } } } },
    },
    async (request, reply) => {
      const service = await resyncService(ctx, currentUser(request), request.params.id);
      return reply.code(202).send(service);
    },
  );

  // Return, reject and deactivate differ in the status they start from and lead to; each needs a reason the developer
  // will read.
  const reasonedDecisions = [
    {
      action: 'return',
      command: returnService,
      operationId: 'returnBackendService',
      summary: 'Return a service under review for changes (reason required): status draft again',
      description:
        'Instead of rejecting: the developer can edit the draft and submit it again. The reason is shown to the ' +
        'developer as `returnReason` until the next submit. Of two concurrent decisions exactly one wins; the other ' +
        'answers 409.',
      request: RETURN_EXAMPLES,
      responses: RETURNED_EXAMPLES,
    },
    {
      action: 'reject',
      command: rejectService,
      operationId: 'rejectBackendService',
      summary: 'Reject a service under review (reason required); its sandbox client is disabled',
      description:
        'Status `rejected`. The reason is shown to the developer. Of two concurrent decisions exactly one wins.',
      request: REJECT_EXAMPLES,
      responses: REJECTED_EXAMPLES,
    },
    {
      action: 'deactivate',
      command: deactivateService,
      operationId: 'deactivateBackendService',
      summary: 'Deactivate an active service (reason required); production and sandbox clients are disabled',
      description:
        'Status `rejected`: its production access ends as soon as the provisioner has disabled the client and ' +
        'removed its access policy. The reason is shown to the developer.',
      request: DEACTIVATE_EXAMPLES,
      responses: REJECTED_EXAMPLES,
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
          description: decision.description,
          params: ServiceIdParams,
          body: ReasonBodySchema,
          response: decisionResponses,
        },
        config: { examples: { request: decision.request, responses: { 200: decision.responses } } },
        // Before the schema, so that a missing or blank reason is refused with a sentence about it.
        preValidation: async (request) => {
          const body: unknown = request.body;
          const reason = typeof body === 'object' && body !== null ? (body as { reason?: unknown }).reason : undefined;
          if (typeof reason !== 'string' || !reason.trim()) throw problems.reasonRequired(decision.action);
        },
      },
      async (request) => decision.command(ctx, currentUser(request), request.params.id, request.body),
    );
  }
};
