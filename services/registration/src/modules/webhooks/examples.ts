// Example bodies for the OpenAPI document, validated against their schemas by test/openapi-documentation.test.ts.
import type { NamedExample } from '../../openapi/examples.ts';

const ENDPOINT = {
  id: '0193a5c0-7a1b-7c3d-8e4f-5a6b7c8d9e11',
  url: 'https://hooks.partner.example/payerbox',
  events: ['service.approved', 'service.rejected', 'change_request.approved'],
  status: 'active',
  failingSince: null,
  createdAt: '2026-12-05T09:30:00.000Z',
  updatedAt: '2026-12-05T09:30:00.000Z',
};

export const CREATE_WEBHOOK_EXAMPLES = {
  decisions: {
    summary: 'Decisions about your services and their changes',
    value: { url: ENDPOINT.url, events: ENDPOINT.events },
  },
} satisfies Record<string, NamedExample>;

export const CREATED_WEBHOOK_EXAMPLES = {
  created: {
    summary: 'Registered, with the signing secret shown this once',
    value: { ...ENDPOINT, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4rAy8sW1J1Y=' },
  },
} satisfies Record<string, NamedExample>;

export const WEBHOOK_EXAMPLES = {
  active: { summary: 'An endpoint receiving events', value: ENDPOINT },
  failing: {
    summary: 'An endpoint whose receiver was down for the whole retry window',
    value: { ...ENDPOINT, status: 'failing', failingSince: '2026-12-06T09:31:00.000Z' },
  },
} satisfies Record<string, NamedExample>;

export const UPDATE_WEBHOOK_EXAMPLES = {
  events: { summary: 'Subscribe to rejections only', value: { events: ['service.rejected'] } },
} satisfies Record<string, NamedExample>;

export const WEBHOOK_LIST_EXAMPLES = {
  one: { summary: 'One endpoint', value: { items: [ENDPOINT], nextCursor: null } },
} satisfies Record<string, NamedExample>;

export const QUEUED_EXAMPLES = {
  queued: { summary: 'Queued for delivery', value: { deliveryId: '3301' } },
} satisfies Record<string, NamedExample>;

export const DELIVERY_LIST_EXAMPLES = {
  retried: {
    summary: 'An approval delivered at the third attempt',
    value: {
      items: [
        {
          id: '3301',
          webhookId: 'evt_91824',
          type: 'service.approved',
          status: 'delivered',
          createdAt: '2026-12-05T09:30:00.120Z',
          deliveredAt: '2026-12-05T09:30:15.480Z',
          attempts: [
            {
              attempt: 1,
              attemptedAt: '2026-12-05T09:30:00.150Z',
              latencyMs: 10004,
              statusCode: null,
              succeeded: false,
              error: 'The endpoint URL did not answer in time.',
            },
            {
              attempt: 2,
              attemptedAt: '2026-12-05T09:30:15.160Z',
              latencyMs: 41,
              statusCode: 503,
              succeeded: false,
              error: 'The endpoint answered HTTP 503.',
            },
            {
              attempt: 3,
              attemptedAt: '2026-12-05T09:30:25.400Z',
              latencyMs: 38,
              statusCode: 204,
              succeeded: true,
              error: null,
            },
          ],
        },
      ],
      nextCursor: null,
    },
  },
} satisfies Record<string, NamedExample>;
