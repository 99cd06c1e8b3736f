import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { currentUser } from '../users/current-user.ts';
import { NOTIFICATION_LIST_EXAMPLES, PREFERENCES_EXAMPLES, UPDATE_PREFERENCES_EXAMPLES } from './examples.ts';
import {
  NotificationListSchema,
  NotificationPreferencesSchema,
  UpdateNotificationPreferencesSchema,
} from './schemas.ts';
import {
  listNotificationPage,
  markAllNotificationsRead,
  markNotificationRead,
  readNotificationPreferences,
  updateNotificationPreferences,
} from './service.ts';

const tags = ['notifications'];

/** The caller's in-app notifications and e-mail preferences. Registered under /api/v1. */
export const notificationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        tags,
        summary: "The caller's notifications, newest first, with the unread count",
        description:
          'Decisions about your services (approved, rejected, returned, deactivated), secret rotations, and for ' +
          'administrators submissions and retirements: each audited event that concerns you, read or not; and your ' +
          'API tokens that expire within 7 days. Newest first by when it happened.',
        querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
        response: {
          200: jsonResponse(Ref(NotificationListSchema), 'A page of notifications'),
          ...problemResponses('invalid_cursor'),
        },
      },
      config: { examples: { responses: { 200: NOTIFICATION_LIST_EXAMPLES } } },
    },
    async (request) => listNotificationPage(app.db, currentUser(request).id, request.query),
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        operationId: 'markNotificationRead',
        tags,
        summary: 'Mark one notification read',
        description: 'Marking a read notification again keeps the time it was first read.',
        params: Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) }),
        response: { 204: Type.Null({ description: 'Marked read' }), ...problemResponses('not_found') },
      },
    },
    async (request, reply) => {
      await markNotificationRead(app.db, currentUser(request).id, request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        operationId: 'markAllNotificationsRead',
        tags,
        summary: "Mark all of the caller's notifications read",
        description: 'The unread count is 0 afterwards, until the next notification.',
        response: { 204: Type.Null({ description: 'All marked read' }) },
      },
    },
    async (request, reply) => {
      await markAllNotificationsRead(app.db, currentUser(request).id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/notification-preferences',
    {
      schema: {
        operationId: 'getNotificationPreferences',
        tags,
        summary: 'Which kinds of notification the caller gets by e-mail',
        description: 'Every kind is listed; e-mail is on for a kind until turned off. The in-app list shows all kinds.',
        response: { 200: jsonResponse(Ref(NotificationPreferencesSchema), 'The e-mail choice for each kind') },
      },
      config: { examples: { responses: { 200: PREFERENCES_EXAMPLES } } },
    },
    async (request) => readNotificationPreferences(app.db, currentUser(request).id),
  );

  app.put(
    '/notification-preferences',
    {
      schema: {
        operationId: 'updateNotificationPreferences',
        tags,
        summary: 'Turn e-mail on or off per kind of notification',
        description:
          'Changes the kinds the body names and keeps the others; answers every kind. Takes effect for events from ' +
          'now on: an e-mail already queued still goes out.',
        body: Ref(UpdateNotificationPreferencesSchema),
        response: { 200: jsonResponse(Ref(NotificationPreferencesSchema), 'The e-mail choice for each kind') },
      },
      config: {
        examples: { request: UPDATE_PREFERENCES_EXAMPLES, responses: { 200: PREFERENCES_EXAMPLES } },
      },
    },
    async (request) => updateNotificationPreferences(app.db, currentUser(request).id, request.body),
  );
};
