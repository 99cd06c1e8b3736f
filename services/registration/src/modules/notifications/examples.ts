import { NOTIFICATION_TYPES } from '@payerbox/domain';
// Example bodies for the OpenAPI document, validated against their schemas by test/openapi-documentation.test.ts.
import type { NamedExample } from '../../openapi/examples.ts';

const REJECTED = {
  id: '4182',
  type: 'service.rejected',
  message: 'Claims sync was rejected',
  serviceId: '0193a5c0-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
  serviceName: 'Claims sync',
  apiToken: null,
  reason: 'The scopes are wider than the use case needs: drop system/Patient.cruds.',
  createdAt: '2026-12-05T09:30:00.000Z',
  readAt: null,
};

const TOKEN_EXPIRING = {
  id: '4190',
  type: 'api_token.expiring',
  message: 'Your API token “ci-deploy” expires on 12 December 2026',
  serviceId: null,
  serviceName: null,
  apiToken: { id: '0193a5d1-2b3c-7d4e-8f50-617283940a1b', name: 'ci-deploy', expiresAt: '2026-12-12T08:00:00.000Z' },
  reason: null,
  createdAt: '2026-12-05T10:00:00.000Z',
  readAt: null,
};

export const NOTIFICATION_LIST_EXAMPLES = {
  unread: {
    summary: 'An expiring API token and a rejection not yet read, and an older approval that was',
    value: {
      items: [
        TOKEN_EXPIRING,
        REJECTED,
        {
          ...REJECTED,
          id: '4077',
          type: 'service.approved',
          message: 'Eligibility checks was approved and is going live in production',
          serviceId: '0193a5c0-1a2b-7c3d-8e4f-5a6b7c8d9e10',
          serviceName: 'Eligibility checks',
          reason: null,
          createdAt: '2026-12-01T14:02:00.000Z',
          readAt: '2026-12-01T15:10:00.000Z',
        },
      ],
      nextCursor: null,
      unreadCount: 2,
    },
  },
} satisfies Record<string, NamedExample>;

// Every kind, from the one list: an example that names them one by one falls behind when a kind is added.
const ALL_ON = Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, true]));

export const PREFERENCES_EXAMPLES = {
  secretRotationsOff: {
    summary: 'E-mail for every kind but secret rotations',
    value: { email: { ...ALL_ON, 'secret.rotated': false } },
  },
} satisfies Record<string, NamedExample>;

export const UPDATE_PREFERENCES_EXAMPLES = {
  turnOff: {
    summary: 'No more e-mails about secret rotations (the in-app list still shows them)',
    value: { email: { 'secret.rotated': false } },
  },
} satisfies Record<string, NamedExample>;
