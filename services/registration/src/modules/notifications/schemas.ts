import { NOTIFICATION_TYPES, type NotificationType } from '@payerbox/domain';
import { type TBoolean, type TOptional, Type } from 'typebox';
import { NextCursor } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';

export const NotificationTypeSchema = StringEnum(NOTIFICATION_TYPES, {
  $id: 'NotificationType',
  description: 'What kind of event a notification tells of (also the key of its e-mail preference)',
});

export const NotificationApiTokenSchema = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    expiresAt: DateTime,
  },
  {
    $id: 'NotificationApiToken',
    description: 'The caller’s API token a notification tells of (managed on the API tokens page)',
  },
);

export const NotificationSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[0-9]+$', description: 'Names the notification to mark it read' }),
    type: Ref(NotificationTypeSchema),
    message: Type.String({ description: 'What happened, as a sentence naming the service or the API token' }),
    serviceId: Nullable(Uuid, { description: 'The service it tells of; null for a notification about an API token' }),
    serviceName: Nullable(Type.String(), { description: 'The service’s name; null when `serviceId` is' }),
    apiToken: Nullable(Ref(NotificationApiTokenSchema), {
      description: 'The API token it tells of (`api_token.expiring`); null for a notification about a service',
    }),
    reason: Nullable(Type.String(), { description: "The reviewer's reason or note, when the event has one" }),
    createdAt: DateTime,
    readAt: Nullable(DateTime, { description: 'When the caller marked it read; null while unread' }),
  },
  {
    $id: 'Notification',
    description:
      'One event told to the caller, about a service or one of their API tokens; the list is in the order they happened',
  },
);

export const NotificationListSchema = Type.Object(
  {
    items: Type.Array(Ref(NotificationSchema)),
    nextCursor: NextCursor,
    unreadCount: Type.Integer({ minimum: 0, description: "How many of the caller's notifications are unread" }),
  },
  { $id: 'NotificationList' },
);

type EmailChoices<Value> = { [T in NotificationType]: Value };

function emailChoices<Value extends TBoolean | TOptional<TBoolean>>(choice: () => Value) {
  return Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, choice()])) as EmailChoices<Value>;
}

export const NotificationPreferencesSchema = Type.Object(
  {
    email: Type.Object(
      emailChoices(() => Type.Boolean()),
      { description: 'Whether the caller gets an e-mail for each kind of event (on unless turned off)' },
    ),
  },
  { $id: 'NotificationPreferences' },
);

export const UpdateNotificationPreferencesSchema = Type.Object(
  {
    email: Type.Object(
      emailChoices(() => Type.Optional(Type.Boolean())),
      { additionalProperties: false, description: 'The kinds to change; the others stay as they are' },
    ),
  },
  { $id: 'UpdateNotificationPreferences', additionalProperties: false },
);

export const NOTIFICATION_SCHEMAS = [
  NotificationTypeSchema,
  NotificationApiTokenSchema,
  NotificationSchema,
  NotificationListSchema,
  NotificationPreferencesSchema,
  UpdateNotificationPreferencesSchema,
];
