import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { jsonResponse, NO_STORE_HEADER } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref, Uuid } from '../../schemas/primitives.ts';
import { currentUser } from '../users/current-user.ts';
import {
  CREATE_WEBHOOK_EXAMPLES,
  CREATED_WEBHOOK_EXAMPLES,
  DELIVERY_LIST_EXAMPLES,
  QUEUED_EXAMPLES,
  UPDATE_WEBHOOK_EXAMPLES,
  WEBHOOK_EXAMPLES,
  WEBHOOK_LIST_EXAMPLES,
} from './examples.ts';
import {
  CreatedWebhookEndpointSchema,
  CreateWebhookEndpointSchema,
  UpdateWebhookEndpointSchema,
  WebhookDeliveryListSchema,
  WebhookEndpointListSchema,
  WebhookEndpointSchema,
} from './schemas.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveryPage,
  listWebhookPage,
  redeliver,
  sendTestDelivery,
  updateWebhook,
  type WebhookContext,
} from './service.ts';

const tags = ['webhooks'];
const EndpointParams = Type.Object({ id: Uuid });
const Queued = Type.Object(
  { deliveryId: Type.String({ pattern: '^[0-9]+$', description: 'The delivery in the endpoint’s log' }) },
  { description: 'Queued: the notifier sends it in a moment and logs each attempt' },
);

/** The caller's webhook endpoints and their delivery logs. Registered under /api/v1. */
export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const context = (): WebhookContext => ({
    db: app.db,
    keyring: app.config.secretKeyring,
    checkUrl: app.checkFetchTarget,
  });

  app.post(
    '/webhooks',
    {
      schema: {
        operationId: 'createWebhook',
        tags,
        summary: 'Register a webhook endpoint; the response is the only time its signing secret is shown',
        description:
          'Events about your own services are POSTed to the URL as `{ type, timestamp, data }`, signed per the ' +
          'Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The URL must be ' +
          'https on a public address.',
        body: Ref(CreateWebhookEndpointSchema),
        response: {
          201: jsonResponse(Ref(CreatedWebhookEndpointSchema), 'Registered', { 'cache-control': NO_STORE_HEADER }),
          ...problemResponses('validation_failed'),
        },
      },
      config: { examples: { request: CREATE_WEBHOOK_EXAMPLES, responses: { 201: CREATED_WEBHOOK_EXAMPLES } } },
    },
    async (request, reply) => {
      const created = await createWebhook(context(), currentUser(request).id, request.body);
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.get(
    '/webhooks',
    {
      schema: {
        operationId: 'listWebhooks',
        tags,
        summary: "The caller's webhook endpoints, newest first (never their secrets)",
        description: 'Each with its subscribed events and whether it is failing (a delivery used up its retries).',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: {
          200: jsonResponse(Ref(WebhookEndpointListSchema), 'A page of endpoints'),
          ...problemResponses('invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: WEBHOOK_LIST_EXAMPLES } } },
    },
    async (request) => listWebhookPage(context(), currentUser(request).id, request.query),
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'getWebhook',
        tags,
        summary: 'One of the caller’s webhook endpoints',
        description: 'Another developer’s endpoint is `not_found`, as one that does not exist.',
        params: EndpointParams,
        response: { 200: jsonResponse(Ref(WebhookEndpointSchema), 'The endpoint'), ...problemResponses('not_found') },
      },
      config: { examples: { responses: { 200: WEBHOOK_EXAMPLES } } },
    },
    async (request) => getWebhook(context(), currentUser(request).id, request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'updateWebhook',
        tags,
        summary: 'Change the URL or the events of a webhook endpoint (its secret stays)',
        description: 'A new URL is checked as at registration; deliveries still being retried go to the new URL.',
        params: EndpointParams,
        body: Ref(UpdateWebhookEndpointSchema),
        response: {
          200: jsonResponse(Ref(WebhookEndpointSchema), 'The endpoint as changed'),
          ...problemResponses('validation_failed', 'not_found'),
        },
      },
      config: { examples: { request: UPDATE_WEBHOOK_EXAMPLES, responses: { 200: WEBHOOK_EXAMPLES } } },
    },
    async (request) => updateWebhook(context(), currentUser(request).id, request.params.id, request.body),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        operationId: 'deleteWebhook',
        tags,
        summary: 'Delete a webhook endpoint and its delivery log',
        description: 'Deliveries still waiting for a retry are dropped with it.',
        params: EndpointParams,
        response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses('not_found') },
      },
    },
    async (request, reply) => {
      await deleteWebhook(context(), currentUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/test',
    {
      schema: {
        operationId: 'testWebhook',
        tags,
        summary: 'Send a signed `webhook.test` event to the endpoint',
        description: 'Delivered and retried like any event; its attempts appear in the delivery log.',
        params: EndpointParams,
        response: { 202: jsonResponse(Queued, 'Queued'), ...problemResponses('not_found') },
      },
      config: { examples: { responses: { 202: QUEUED_EXAMPLES } } },
    },
    async (request, reply) =>
      reply.code(202).send(await sendTestDelivery(context(), currentUser(request).id, request.params.id)),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        tags,
        summary: 'The delivery log of an endpoint, newest first: each delivery with every attempt',
        description:
          'Each attempt with the receiver’s status (null when none came), its latency and, for a failure, why. ' +
          'A delivery is retried with exponential backoff for 24 hours, then `failed`.',
        params: EndpointParams,
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: {
          200: jsonResponse(Ref(WebhookDeliveryListSchema), 'A page of deliveries'),
          ...problemResponses('invalid_cursor', 'not_found'),
        },
      },
      config: { examples: { responses: { 200: DELIVERY_LIST_EXAMPLES } } },
    },
    async (request) => listDeliveryPage(context(), currentUser(request).id, request.params.id, request.query),
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        operationId: 'redeliverWebhook',
        tags,
        summary: 'Send a delivery again, under the same `webhook-id`, with a new retry window',
        description: 'For a delivery that failed, or one the receiver lost; receivers de-duplicate by `webhook-id`.',
        params: Type.Object({ id: Uuid, deliveryId: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
        response: { 202: jsonResponse(Queued, 'Queued'), ...problemResponses('not_found') },
      },
      config: { examples: { responses: { 202: QUEUED_EXAMPLES } } },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await redeliver(context(), currentUser(request).id, request.params.id, request.params.deliveryId)),
  );
};
