import { WEBHOOK_EVENT_TYPES } from '@payerbox/domain';
import { Type } from 'typebox';
import { NextCursor } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';

export const WebhookEventTypeSchema = StringEnum(WEBHOOK_EVENT_TYPES, {
  $id: 'WebhookEventType',
  description: 'An event a webhook endpoint can subscribe to: the `type` of the JSON it receives',
});

const Url = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Where events are POSTed: https (http only for loopback where the portal allows loopback key sets)',
});
const Events = Type.Array(Ref(WebhookEventTypeSchema), {
  minItems: 1,
  maxItems: WEBHOOK_EVENT_TYPES.length,
  uniqueItems: true,
  description: 'The event types sent to this endpoint',
});

export const WebhookEndpointSchema = Type.Object(
  {
    id: Uuid,
    url: Type.String(),
    events: Type.Array(Ref(WebhookEventTypeSchema)),
    status: StringEnum(['active', 'failing'] as const, {
      description: '`failing`: a delivery used up its retry window (24 hours); the next successful one clears it',
    }),
    failingSince: Nullable(DateTime),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'WebhookEndpoint', description: 'An endpoint of the caller that receives signed events about their services' },
);

export const CreatedWebhookEndpointSchema = Type.Object(
  {
    ...WebhookEndpointSchema.properties,
    secret: Type.String({
      pattern: '^whsec_',
      description:
        'The signing secret (Standard Webhooks, `whsec_` and base64), shown only in this response: verify each ' +
        "delivery's `webhook-signature` with it",
    }),
  },
  { $id: 'CreatedWebhookEndpoint' },
);

export const CreateWebhookEndpointSchema = Type.Object(
  { url: Url, events: Events },
  { $id: 'CreateWebhookEndpoint', additionalProperties: false },
);

export const UpdateWebhookEndpointSchema = Type.Object(
  { url: Type.Optional(Url), events: Type.Optional(Events) },
  { $id: 'UpdateWebhookEndpoint', additionalProperties: false, minProperties: 1 },
);

export const WebhookEndpointListSchema = Type.Object(
  { items: Type.Array(Ref(WebhookEndpointSchema)), nextCursor: NextCursor },
  { $id: 'WebhookEndpointList' },
);

export const WebhookDeliveryAttemptSchema = Type.Object(
  {
    attempt: Type.Integer({ minimum: 1 }),
    attemptedAt: DateTime,
    latencyMs: Type.Integer({ minimum: 0, description: 'From sending the request to the end of the response' }),
    statusCode: Nullable(Type.Integer(), { description: "The receiver's HTTP status; null when none came" }),
    succeeded: Type.Boolean({ description: 'A 2xx status' }),
    error: Nullable(Type.String(), { description: 'Why no response or a failing one, as a sentence' }),
  },
  { $id: 'WebhookDeliveryAttempt' },
);

export const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]+$', description: 'Names the delivery to redeliver it' }),
    webhookId: Type.String({ description: 'The `webhook-id` header: the same on every attempt and redelivery' }),
    type: Type.String({ description: 'The event type, or `webhook.test` for a test delivery' }),
    status: StringEnum(['pending', 'delivered', 'failed'] as const, {
      description: '`pending`: being tried; `failed`: given up after the retry window (redeliver to try again)',
    }),
    createdAt: DateTime,
    deliveredAt: Nullable(DateTime),
    attempts: Type.Array(Ref(WebhookDeliveryAttemptSchema), { description: 'Every attempt, first to last' }),
  },
  { $id: 'WebhookDelivery' },
);

export const WebhookDeliveryListSchema = Type.Object(
  { items: Type.Array(Ref(WebhookDeliverySchema)), nextCursor: NextCursor },
  { $id: 'WebhookDeliveryList' },
);

export const WEBHOOK_SCHEMAS = [
  WebhookEventTypeSchema,
  WebhookEndpointSchema,
  CreatedWebhookEndpointSchema,
  CreateWebhookEndpointSchema,
  UpdateWebhookEndpointSchema,
  WebhookEndpointListSchema,
  WebhookDeliveryAttemptSchema,
  WebhookDeliverySchema,
  WebhookDeliveryListSchema,
];
