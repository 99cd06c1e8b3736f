import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AUDIT_EVENT_ACTIONS } from '@payerbox/domain';
import { Type } from 'typebox';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { PageQuery } from '../../schemas/common.ts';
import { Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';
import { EVENT_PAGE_EXAMPLES } from '../backend-services/examples.ts';
import { ServiceEventPageSchema } from '../backend-services/schemas.ts';
import { EXPORT_COLUMNS, exportEvents, listEventPage } from './service.ts';

const tags = ['admin'];

const EventFilters = {
  serviceId: Type.Optional(Uuid),
  actorId: Type.Optional(Uuid),
  action: Type.Optional(StringEnum(AUDIT_EVENT_ACTIONS)),
  service: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: "Part of the service's name, any case; `%` and `_` match themselves, they are no wildcards",
    }),
  ),
  clientId: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: "The service's client id, exactly" }),
  ),
  actorEmail: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 254,
      description:
        "Part of the actor's e-mail address, any case (`alex@` finds alex@payer.example); `%` and `_` match " +
        'themselves. Events of the system (no actor) never match',
    }),
  ),
  from: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only events at or after this instant (ISO 8601 with a time zone: 2026-11-01T00:00:00Z)',
    }),
  ),
  to: Type.Optional(
    Type.String({
      format: 'date-time',
      description: 'Only events before this instant (exclusive); at or after `from`, else 400 invalid_date_range',
    }),
  ),
};

/** Admin: the whole audit trail. Registered under /api/v1/admin. */
export const auditEventRoutes =
  (options: { exportBatchSize: number }): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/audit-events',
      {
        schema: {
          operationId: 'listAuditEvents',
          tags,
          summary: 'Every lifecycle event, newest first',
          description:
            'The append-only audit trail of every service, filtered by service (id, part of the name or client ' +
            'id), actor (id or part of the e-mail address), action and a date range; filters combine with AND.',
          querystring: Type.Object({ ...EventFilters, ...PageQuery }, { additionalProperties: false }),
          response: {
            200: jsonResponse(Ref(ServiceEventPageSchema), 'A page of events'),
            ...problemResponses('invalid_cursor', 'invalid_date_range'),
          },
        },
        config: { examples: { responses: { 200: EVENT_PAGE_EXAMPLES } } },
      },
      async (request) => listEventPage(app.db, request.query),
    );

    app.get(
      '/audit-events/export',
      {
        schema: {
          operationId: 'exportAuditEvents',
          tags,
          summary: 'Every lifecycle event matching the filters, newest first, as a CSV download',
          description: 'Streamed, however many events match; the same filters as the list.',
          querystring: Type.Object(EventFilters, { additionalProperties: false }),
          response: {
            ...problemResponses('invalid_date_range'),
            200: {
              description:
                `CSV (RFC 4180: CRLF line ends, a header row ${EXPORT_COLUMNS.join(',')}; detail is compact JSON). ` +
                "A field starting with =, +, -, @, tab or CR gets a leading ' so spreadsheets do not run it as a formula.",
              headers: {
                'content-disposition': {
                  type: 'string',
                  description: 'attachment; filename="audit-events-<UTC date>.csv"',
                },
              },
              // Text in the document; a stream to the type provider, since the handler sends one (never serialized).
              content: {
                'text/csv': {
                  schema: Type.Unsafe<Readable>({ type: 'string' }),
                  example:
                    `${EXPORT_COLUMNS.join(',')}\r\n` +
                    '1042,2026-11-04T16:30:00.000Z,0193a5c0-4f5e-7d6c-8b7a-695847362514,Claims sync,approve,' +
                    'under_review,active,active,alex@payer.example,Alex Admin,"{""note"":""Looks good""}"\r\n',
                },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const csv = await exportEvents(app.db, request.query, options.exportBatchSize);
        const date = new Date().toISOString().slice(0, 10);
        // Not object mode: the stream counts bytes, so it asks for the next batch only once the last one is written.
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="audit-events-${date}.csv"`)
          .header('cache-control', 'no-store')
          .send(Readable.from(csv, { objectMode: false }));
      },
    );
  };
