import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../plugins/authentication.ts';
import { describedProblem, PageQuery, problemResponses } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { listEventPage } from '../audit-events/service.ts';
import { parseIfMatch } from './if-match.ts';
import {
  BackendServicePageSchema,
  BackendServiceSchema,
  CreateBackendServiceSchema,
  IdempotencyHeaders,
  IfMatchHeaders,
  IssuedClientSecretSchema,
  ListServicesQuery,
  ServiceEventPageSchema,
  ServiceIdParams,
  UpdateBackendServiceSchema,
} from './schemas.ts';
import {
  createService,
  editService,
  getService,
  listServicePage,
  rotateSecret,
  type ServiceContext,
  serviceContext,
  submitService,
} from './service.ts';
import { runTransition } from './transitions.ts';

const tags = ['backend-services'];
/** With OrgBAC, checking organizationId may need the organization list, which may not be readable. */
const ORGANIZATIONS_UNAVAILABLE = describedProblem(
  503,
  'The organization could not be checked: Aidbox does not answer (organizations_unavailable; OrgBAC only)',
);
const etag = (version: number) => `"${version}"`;

/** The developer's own services. Registered under /api/v1. */
export const backendServiceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx: ServiceContext = serviceContext(app);

  app.get(
    '/backend-services',
    {
      schema: {
        operationId: 'listBackendServices',
        tags,
        summary: "The caller's backend services, newest first",
        querystring: ListServicesQuery,
        response: { 200: Ref(BackendServicePageSchema), ...problemResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const user = currentUser(request);
      return listServicePage(ctx, request.query, { ownerId: user.id, actor: 'owner' });
    },
  );

  app.post(
    '/backend-services',
    {
      schema: {
        operationId: 'createBackendService',
        tags,
        summary: 'Register a backend service (status draft); it is provisioned into the sandbox',
        headers: IdempotencyHeaders,
        body: Ref(CreateBackendServiceSchema),
        response: {
          201: Ref(BackendServiceSchema),
          ...problemResponses(400, 401, 415, 422, 429),
          ...ORGANIZATIONS_UNAVAILABLE,
        },
      },
    },
    async (request, reply) => {
      const result = await createService(ctx, currentUser(request), request.body, request.headers['idempotency-key']);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      // The body may carry the client secret: no cache may keep it.
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .header('location', `/api/v1/backend-services/${result.service.id}`)
        .header('etag', etag(result.service.version))
        .send(result.service);
    },
  );

  app.get(
    '/backend-services/:id',
    {
      schema: {
        operationId: 'getBackendService',
        tags,
        params: ServiceIdParams,
        response: { 200: Ref(BackendServiceSchema), ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const service = await getService(ctx, request.params.id, { user: currentUser(request), actor: 'owner' });
      return reply.header('etag', etag(service.version)).send(service);
    },
  );

  app.patch(
    '/backend-services/:id',
    {
      schema: {
        operationId: 'updateBackendService',
        tags,
        summary:
          'Edit a draft; send If-Match with the version you read. A PATCH that changes no stored value writes nothing ' +
          'and answers the service with its current version',
        params: ServiceIdParams,
        headers: IfMatchHeaders,
        body: Ref(UpdateBackendServiceSchema),
        response: {
          200: Ref(BackendServiceSchema),
          ...problemResponses(400, 401, 404, 409, 412, 415, 428, 429),
          ...ORGANIZATIONS_UNAVAILABLE,
        },
      },
    },
    async (request, reply) => {
      const ifMatch = parseIfMatch(request.headers['if-match']);
      const service = await editService(ctx, currentUser(request), request.params.id, ifMatch, request.body);
      return reply.header('etag', etag(service.version)).header('cache-control', 'no-store').send(service);
    },
  );

  app.delete(
    '/backend-services/:id',
    {
      schema: {
        operationId: 'deleteBackendService',
        tags,
        summary: 'Delete a draft (its sandbox client is removed)',
        params: ServiceIdParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      await runTransition(ctx, {
        id: request.params.id,
        action: 'delete',
        actor: 'owner',
        user: currentUser(request),
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/backend-services/:id/submit',
    {
      schema: {
        operationId: 'submitBackendService',
        tags,
        summary: 'Submit a draft for review (status under_review; configuration frozen)',
        params: ServiceIdParams,
        response: { 200: Ref(BackendServiceSchema), ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => submitService(ctx, currentUser(request), request.params.id),
  );

  app.post(
    '/backend-services/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawBackendService',
        tags,
        summary: 'Take a service back from review (status draft)',
        params: ServiceIdParams,
        response: { 200: Ref(BackendServiceSchema), ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) =>
      runTransition(ctx, {
        id: request.params.id,
        action: 'withdraw',
        actor: 'owner',
        user: currentUser(request),
        changes: () => ({ submittedAt: null }),
      }),
  );

  app.post(
    '/backend-services/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateBackendServiceSecret',
        tags,
        summary: 'Issue a new client secret (draft, under review or active); the response is the only time it is shown',
        params: ServiceIdParams,
        response: { 200: Ref(IssuedClientSecretSchema), ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const issued = await rotateSecret(ctx, currentUser(request), request.params.id);
      return reply.header('cache-control', 'no-store').send(issued);
    },
  );

  app.get(
    '/backend-services/:id/events',
    {
      schema: {
        operationId: 'listBackendServiceEvents',
        tags,
        summary: "The service's timeline, newest first",
        params: ServiceIdParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: { 200: Ref(ServiceEventPageSchema), ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request) => {
      await getService(ctx, request.params.id, { user: currentUser(request), actor: 'owner' });
      return listEventPage(app.db, { serviceId: request.params.id, ...request.query });
    },
  );
};
