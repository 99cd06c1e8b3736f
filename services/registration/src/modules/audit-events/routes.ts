import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { LIFECYCLE_ACTIONS } from '@payerbox/domain';
import { Type } from 'typebox';
import { PageQuery, problemResponses } from '../../schemas/common.ts';
import { Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';
import { ServiceEventPageSchema } from '../backend-services/schemas.ts';
import { EXPORT_COLUMNS, exportEvents, listEventPage } from './service.ts';

const tags = ['admin'];

const EventFilters = {
  serviceId: Type.Optional(Uuid),
  actorId: Type.Optional(Uuid),
  action: Type.Optional(StringEnum([...LIFECYCLE_ACTIONS, 'resync'])),
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
          querystring: Type.Object({ ...EventFilters, ...PageQuery }, { additionalProperties: false }),
          response: { 200: Ref(ServiceEventPageSchema), ...problemResponses(400, 401, 403, 429) },
        },
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
          querystring: Type.Object(EventFilters, { additionalProperties: false }),
          response: {
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
              content: { 'text/csv': { schema: Type.Unsafe<Readable>({ type: 'string' }) } },
            },
            ...problemResponses(400, 401, 403, 429),
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
