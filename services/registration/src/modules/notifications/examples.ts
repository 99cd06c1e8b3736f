// Example bodies for the OpenAPI document, validated against their schemas by test/openapi-documentation.test.ts.
import type { NamedExample } from '../../openapi/examples.ts';

const REJECTED = {
  id: '4182',
  type: 'service.rejected',
  message: 'Claims sync was rejected',
  serviceId: '0193a5c0-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
  serviceName: 'Claims sync',
  reason: 'The scopes are wider than the use case needs: drop system/Patient.cruds.',
  createdAt: '2026-12-05T09:30:00.000Z',
  readAt: null,
};

export const NOTIFICATION_LIST_EXAMPLES = {
  unread: {
    summary: 'A rejection not yet read, and an older approval that was',
    value: {
      items: [
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
      unreadCount: 1,
    },
  },
} satisfies Record<string, NamedExample>;

const ALL_ON = {
  'service.submitted': true,
  'service.approved': true,
  'service.rejected': true,
  'service.returned': true,
  'service.deactivated': true,
  'service.retired': true,
  'secret.rotated': true,
  'change_request.submitted': true,
  'change_request.approved': true,
  'change_request.rejected': true,
  'webhook.failing': true,
};

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
