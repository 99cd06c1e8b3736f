import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { problems } from '../../errors.ts';
import { jsonResponse, NO_STORE_HEADER } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { serviceContext } from '../backend-services/context.ts';
import {
  ApproveBodySchema,
  BackendServiceSchema,
  ReasonBodySchema,
  ServiceIdParams,
} from '../backend-services/schemas.ts';
import { getService } from '../backend-services/service.ts';
import { currentUser } from '../users/current-user.ts';
import { approveChange, proposeChange, readChangeRequest, rejectChange, withdrawChange } from './commands.ts';
import {
  APPLIED_EXAMPLES,
  CHANGE_APPROVE_EXAMPLES,
  CHANGE_APPROVED_EXAMPLES,
  CHANGE_REJECT_EXAMPLES,
  CHANGE_REJECTED_EXAMPLES,
  CHANGE_REQUEST_EXAMPLES,
  CHANGE_REQUEST_PAGE_EXAMPLES,
  PROPOSE_EXAMPLES,
  PROPOSED_EXAMPLES,
  WITHDRAWN_EXAMPLES,
} from './examples.ts';
import { ChangeRequestPageSchema, ChangeRequestParams, ChangeRequestSchema, ProposeChangeSchema } from './schemas.ts';
import { changeRequestPage } from './service.ts';

const ListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
const changeRequest = (what: string) => jsonResponse(Ref(ChangeRequestSchema), what);

/** The owner's change requests of an active service. Registered under /api/v1. */
export const changeRequestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = serviceContext(app);
  const tags = ['backend-services'];

  app.post(
    '/backend-services/:id/change-requests',
    {
      schema: {
        operationId: 'proposeBackendServiceChange',
        tags,
        summary: 'Propose a change to an active service: applied at once when it only narrows access, else reviewed',
        description:
          'Send any of the configuration fields; the others keep their approved values. They are checked as on ' +
          'create (a new JWKS URI is fetched and checked). A change that only narrows access (a new name or ' +
          'description, fewer scopes or permissions) applies at once: 200 with the service, both environments ' +
          'reconciled. Anything else (added scopes or permissions, another scope version, authentication method, ' +
          'JWKS URI or organization; also a mix) is a pending change request: 201. While it is pending production ' +
          'keeps the approved configuration and the sandbox runs the proposed one; a proposed switch to ' +
          '`client_secret` answers the secret once in `clientSecret`. One pending request per service (409 ' +
          '`change_request_pending`); only active services (409 naming the status otherwise).',
        params: ServiceIdParams,
        body: Ref(ProposeChangeSchema),
        response: {
          200: jsonResponse(Ref(BackendServiceSchema), 'Only narrowing: applied at once'),
          201: jsonResponse(Ref(ChangeRequestSchema), 'A pending change request', { 'cache-control': NO_STORE_HEADER }),
          ...problemResponses(
            'not_found',
            'illegal_transition',
            'change_request_pending',
            'changed_during_check',
            'jwks_invalid',
            'unknown_organization',
            'organizations_unavailable',
          ),
        },
      },
      config: {
        examples: { request: PROPOSE_EXAMPLES, responses: { 200: APPLIED_EXAMPLES, 201: PROPOSED_EXAMPLES } },
      },
    },
    async (request, reply) => {
      const result = await proposeChange(ctx, currentUser(request), request.params.id, request.body);
      if (result.applied) return reply.code(200).send(result.service);
      return reply.code(201).header('cache-control', 'no-store').send(result.changeRequest);
    },
  );

  app.get(
    '/backend-services/:id/change-requests',
    {
      schema: {
        operationId: 'listBackendServiceChangeRequests',
        tags,
        summary: "The service's change requests, newest first, with their decisions",
        description: 'At most one is `pending`; the others show how they were decided (`reason`, `note`).',
        params: ServiceIdParams,
        querystring: ListQuery,
        response: {
          200: jsonResponse(Ref(ChangeRequestPageSchema), 'A page of change requests'),
          ...problemResponses('not_found', 'invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: CHANGE_REQUEST_PAGE_EXAMPLES } } },
    },
    async (request) => {
      await getService(ctx, request.params.id, { user: currentUser(request), actor: 'owner' });
      return changeRequestPage(ctx, request.params.id, request.query);
    },
  );

  app.post(
    '/backend-services/:id/change-requests/:crId/withdraw',
    {
      schema: {
        operationId: 'withdrawBackendServiceChange',
        tags,
        summary: 'Withdraw a pending change request; the sandbox returns to the approved configuration',
        description: 'Only a pending request can be withdrawn (409 `change_request_decided` naming its status).',
        params: ChangeRequestParams,
        response: {
          200: changeRequest('Withdrawn'),
          ...problemResponses('not_found', 'illegal_transition', 'change_request_decided'),
        },
      },
      config: { examples: { responses: { 200: WITHDRAWN_EXAMPLES } } },
    },
    async (request) => withdrawChange(ctx, currentUser(request), request.params.id, request.params.crId),
  );
};

/** Admins' review of change requests. Registered under /api/v1/admin behind requireAdmin. */
export const adminChangeRequestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const ctx = serviceContext(app);
  const tags = ['admin'];

  app.get(
    '/backend-services/:id/change-requests',
    {
      schema: {
        operationId: 'adminListBackendServiceChangeRequests',
        tags,
        summary: "A service's change requests, newest first",
        params: ServiceIdParams,
        description: 'Any service, as its owner sees the list.',
        querystring: ListQuery,
        response: {
          200: jsonResponse(Ref(ChangeRequestPageSchema), 'A page of change requests'),
          ...problemResponses('not_found', 'invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: CHANGE_REQUEST_PAGE_EXAMPLES } } },
    },
    async (request) => {
      await getService(ctx, request.params.id, { user: currentUser(request), actor: 'admin' });
      return changeRequestPage(ctx, request.params.id, request.query);
    },
  );

  app.get(
    '/backend-services/:id/change-requests/:crId',
    {
      schema: {
        operationId: 'adminGetBackendServiceChangeRequest',
        tags,
        summary: 'One change request, with the approved → proposed diff',
        description:
          '`changes` lists each changed field with its approved and proposed value; `proposed` is the whole configuration.',
        params: ChangeRequestParams,
        response: { 200: changeRequest('The change request'), ...problemResponses('not_found') },
      },
      config: { examples: { responses: { 200: CHANGE_REQUEST_EXAMPLES } } },
    },
    async (request) => readChangeRequest(ctx, request.params.id, request.params.crId),
  );

  app.post(
    '/backend-services/:id/change-requests/:crId/approve',
    {
      schema: {
        operationId: 'approveBackendServiceChange',
        tags,
        summary: 'Approve a pending change request: production runs the proposed configuration',
        description:
          "The proposed configuration becomes the service's, atomically with its audit event; both environments " +
          'are reconciled to it. The optional note is shown to the developer. Of two concurrent decisions exactly ' +
          'one wins; the other answers 409 `change_request_decided` naming the status.',
        params: ChangeRequestParams,
        body: ApproveBodySchema,
        response: {
          200: changeRequest('Approved'),
          ...problemResponses('not_found', 'illegal_transition', 'change_request_decided'),
        },
      },
      config: { examples: { request: CHANGE_APPROVE_EXAMPLES, responses: { 200: CHANGE_APPROVED_EXAMPLES } } },
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => approveChange(ctx, currentUser(request), request.params.id, request.params.crId, request.body),
  );

  app.post(
    '/backend-services/:id/change-requests/:crId/reject',
    {
      schema: {
        operationId: 'rejectBackendServiceChange',
        tags,
        summary: 'Reject a pending change request (reason required); the sandbox returns to the approved configuration',
        description:
          'The service stays active with its approved configuration. The reason is shown to the developer. Of two ' +
          'concurrent decisions exactly one wins; the other answers 409 `change_request_decided`.',
        params: ChangeRequestParams,
        body: ReasonBodySchema,
        response: {
          200: changeRequest('Rejected'),
          ...problemResponses('not_found', 'illegal_transition', 'change_request_decided'),
        },
      },
      config: { examples: { request: CHANGE_REJECT_EXAMPLES, responses: { 200: CHANGE_REJECTED_EXAMPLES } } },
      // Before the schema, so that a missing or blank reason is refused with a sentence about it.
      preValidation: async (request) => {
        const body: unknown = request.body;
        const reason = typeof body === 'object' && body !== null ? (body as { reason?: unknown }).reason : undefined;
        if (typeof reason !== 'string' || !reason.trim()) throw problems.changeReasonRequired();
      },
    },
    async (request) => rejectChange(ctx, currentUser(request), request.params.id, request.params.crId, request.body),
  );
};
