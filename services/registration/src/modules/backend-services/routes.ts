import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import { ETAG_HEADER, jsonResponse, NO_STORE_HEADER } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { Ref } from '../../schemas/primitives.ts';
import { currentUser } from '../users/current-user.ts';
import {
  type CreateResult,
  copyService,
  createService,
  deleteService,
  editService,
  retireService,
  submitService,
  withdrawService,
} from './commands.ts';
import { type ServiceContext, serviceContext } from './context.ts';
import {
  COPIED_EXAMPLES,
  CREATE_EXAMPLES,
  CREATED_EXAMPLES,
  PAGE_EXAMPLES,
  RETIRE_EXAMPLES,
  RETIRED_EXAMPLES,
  SERVICE_EXAMPLES,
  UPDATE_EXAMPLES,
} from './examples.ts';
import { parseIfMatch } from './if-match.ts';
import {
  BackendServicePageSchema,
  BackendServiceSchema,
  CreateBackendServiceSchema,
  IdempotencyHeaders,
  IfMatchHeaders,
  ListServicesQuery,
  RetireBodySchema,
  ServiceIdParams,
  UpdateBackendServiceSchema,
} from './schemas.ts';
import { getService, listServicePage } from './service.ts';

const tags = ['backend-services'];
/** What a configuration can be refused for beyond its schema: the key set, the organization (OrgBAC). */
const CONFIGURATION_PROBLEMS = ['jwks_invalid', 'unknown_organization', 'organizations_unavailable'] as const;
/** The representation a lifecycle action answers with. */
const serviceAfter = (what: string) => jsonResponse(Ref(BackendServiceSchema), what);
const etag = (version: number) => `"${version}"`;
/** The headers of a response that registers a service (create, copy). */
const createdHeaders = {
  location: { description: 'The new service', type: 'string' as const },
  etag: ETAG_HEADER,
  'cache-control': NO_STORE_HEADER,
  'idempotent-replayed': {
    description: '`true` when an earlier request with the same Idempotency-Key is answered again',
    type: 'string' as const,
  },
};

/** Answers a registered service (create, copy): 201 with where it is; the body may carry the client secret. */
function sendCreated(reply: FastifyReply, result: CreateResult) {
  if (result.replayed) reply.header('idempotent-replayed', 'true');
  // The body may carry the client secret: no cache may keep it.
  return reply
    .code(201)
    .header('cache-control', 'no-store')
    .header('location', `/api/v1/backend-services/${result.service.id}`)
    .header('etag', etag(result.service.version))
    .send(result.service);
}

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
        description:
          'Only the services the caller owns. Filter by `status`, search names and client ids with `q`, and page ' +
          'with `limit` and the `nextCursor` of the previous page.',
        querystring: ListServicesQuery,
        response: {
          200: jsonResponse(Ref(BackendServicePageSchema), 'A page of services'),
          ...problemResponses('invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: PAGE_EXAMPLES } } },
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
        description:
          'Creates the service in status `draft` and queues its sandbox client: poll `GET /api/v1/backend-services/' +
          '{id}` until `environments.sandbox.state` is `ready` (usually within a second), then exchange tokens at ' +
          '`environments.sandbox.tokenUrl`. With `authMethod: "jwks_uri"` the key set is fetched and checked first (a ' +
          'failing set answers 400 `jwks_invalid` with the whole report); with `"client_secret"` the response carries ' +
          '`clientSecret`, the only time it is shown. Send an `Idempotency-Key` to retry safely.',
        headers: IdempotencyHeaders,
        body: Ref(CreateBackendServiceSchema),
        response: {
          201: jsonResponse(Ref(BackendServiceSchema), 'Registered', createdHeaders),
          ...problemResponses(...CONFIGURATION_PROBLEMS, 'idempotency_key_reused'),
        },
      },
      config: { examples: { request: CREATE_EXAMPLES, responses: { 201: CREATED_EXAMPLES } } },
    },
    async (request, reply) =>
      sendCreated(
        reply,
        await createService(ctx, currentUser(request), request.body, request.headers['idempotency-key']),
      ),
  );

  app.post(
    '/backend-services/:id/copy',
    {
      schema: {
        operationId: 'copyBackendService',
        tags,
        summary: 'Start again from a rejected service: a new draft with its configuration',
        description:
          'Only a rejected service can be copied (409 naming its status otherwise); it stays as it is. The copy is ' +
          'registered as `POST /api/v1/backend-services` registers one: status `draft`, a new id and client id, the ' +
          'same name, description, auth method, JWKS URI (its key set checked again), scopes and organization, its ' +
          'sandbox client queued; a `client_secret` copy gets a new secret in `clientSecret`, shown only here. Its ' +
          '`create` event names the source (`copiedFrom`). No body is needed. Send an `Idempotency-Key` to retry safely.',
        params: ServiceIdParams,
        headers: IdempotencyHeaders,
        response: {
          201: jsonResponse(Ref(BackendServiceSchema), 'The copy, registered', createdHeaders),
          ...problemResponses('not_found', 'illegal_transition', ...CONFIGURATION_PROBLEMS, 'idempotency_key_reused'),
        },
      },
      config: { examples: { responses: { 201: COPIED_EXAMPLES } } },
    },
    async (request, reply) =>
      sendCreated(
        reply,
        await copyService(ctx, currentUser(request), request.params.id, request.headers['idempotency-key']),
      ),
  );

  app.get(
    '/backend-services/:id',
    {
      schema: {
        operationId: 'getBackendService',
        tags,
        summary: "One of the caller's services, with its environment constants",
        description:
          'The service with, per environment, its provisioning `state` and the constants a client needs: FHIR base, ' +
          'SMART configuration, token and capability statement URLs (production once approved). ' +
          "`availableActions` lists what the caller may do now. Other owners' services answer 404.",
        params: ServiceIdParams,
        response: {
          200: jsonResponse(Ref(BackendServiceSchema), 'The service', { etag: ETAG_HEADER }),
          ...problemResponses('not_found'),
        },
      },
      config: { examples: { responses: { 200: SERVICE_EXAMPLES } } },
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
        summary: 'Edit a draft; send If-Match with the version you read',
        description:
          'Changes the fields sent; the others keep their values. `If-Match` carries the `ETag` of your last read ' +
          '(strong comparison: `"3"`; `*` edits whatever the version is): a stale version answers 412 with ' +
          '`currentVersion`. Only drafts can be edited (409 otherwise). A new JWKS URI is checked before anything ' +
          'is written; switching to `client_secret` answers the new secret once. A PATCH that changes no stored ' +
          'value writes nothing and answers the service with its current version. The sandbox client follows.',
        params: ServiceIdParams,
        headers: IfMatchHeaders,
        body: Ref(UpdateBackendServiceSchema),
        response: {
          200: jsonResponse(Ref(BackendServiceSchema), 'The service as edited', {
            etag: ETAG_HEADER,
            'cache-control': NO_STORE_HEADER,
          }),
          ...problemResponses(
            'not_found',
            'illegal_transition',
            'version_mismatch',
            'precondition_required',
            ...CONFIGURATION_PROBLEMS,
          ),
        },
      },
      config: { examples: { request: UPDATE_EXAMPLES, responses: { 200: { draft: SERVICE_EXAMPLES.draft } } } },
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
        summary: 'Delete a draft (its sandbox client is removed), or remove a rejected service from the dashboard',
        description:
          "Only drafts and rejected services can be deleted (409 otherwise). A draft's sandbox client is removed in " +
          "the background; a rejected service's clients stay disabled. Either answers 404 to its owner from then " +
          'on; its events stay in the audit trail, and admins still see a removed rejected service (`deletedAt`).',
        params: ServiceIdParams,
        response: {
          204: Type.Null({ description: 'Deleted' }),
          ...problemResponses('not_found', 'illegal_transition'),
        },
      },
    },
    async (request, reply) => {
      await deleteService(ctx, currentUser(request), request.params.id);
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
        description:
          "A JWKS service's key set must still pass its check. No body is needed (an empty JSON body is fine). " +
          'The configuration cannot change while under review; withdraw to edit again.',
        params: ServiceIdParams,
        response: {
          200: serviceAfter('Submitted'),
          ...problemResponses('not_found', 'illegal_transition', 'jwks_invalid', 'changed_during_check'),
        },
      },
      config: { examples: { responses: { 200: { underReview: SERVICE_EXAMPLES.underReview } } } },
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
        description: 'Only a service under review can be withdrawn; it becomes an editable draft again.',
        params: ServiceIdParams,
        response: { 200: serviceAfter('Withdrawn'), ...problemResponses('not_found', 'illegal_transition') },
      },
      config: { examples: { responses: { 200: { draft: SERVICE_EXAMPLES.draft } } } },
    },
    async (request) => withdrawService(ctx, currentUser(request), request.params.id),
  );

  app.post(
    '/backend-services/:id/retire',
    {
      schema: {
        operationId: 'retireBackendService',
        tags,
        summary: 'Retire an active service (status rejected); production and sandbox clients are disabled',
        description:
          "The owner's own way out, with the effect of an admin's deactivate: production access ends as soon as the " +
          'provisioner has disabled the client and removed its access policy. The optional reason is kept as ' +
          '`rejectionReason`. Only an active service can be retired (409 naming its status otherwise).',
        params: ServiceIdParams,
        body: RetireBodySchema,
        response: { 200: serviceAfter('Retired'), ...problemResponses('not_found', 'illegal_transition') },
      },
      config: { examples: { request: RETIRE_EXAMPLES, responses: { 200: RETIRED_EXAMPLES } } },
      // The reason is optional, so partner tools may send no body at all.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => retireService(ctx, currentUser(request), request.params.id, request.body),
  );
};
