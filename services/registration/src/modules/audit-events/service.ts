import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { ProblemError, problems } from '../../errors.ts';
import { BIGINT_KEY, type PageRequest, readPage, toPage } from '../../pagination.ts';
import type { ServiceEventView } from '../backend-services/schemas.ts';
import { csvRecord } from './csv.ts';
import { type EventFilter, type EventRecord, listEvents } from './repository.ts';

/** The filters of the audit trail (list and export) as the repository takes them. */
type EventQuery = Omit<EventFilter, 'before' | 'limit'>;

/** The filters of the audit trail as the API receives them: the date range as ISO 8601 text. */
export type AuditEventQuery = Omit<EventQuery, 'from' | 'to'> & { readonly from?: string; readonly to?: string };

/**
 * An instant of the date range, or a validation problem for text the schema's `date-time` format accepts but no clock
 * shows (a leap second, `23:59:60`) or PostgreSQL cannot store (the year 0).
 */
function instant(text: string, name: 'from' | 'to'): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1) {
    throw problems.validation(
      [{ path: `/querystring/${name}`, message: 'must be a date and time that exists, from the year 1 on' }],
      `\`${name}\` is not a date and time that exists.`,
    );
  }
  return date;
}

/** The repository's filters, the range read as instants; a range that ends before it starts is a problem. */
function eventQuery(query: AuditEventQuery): EventQuery {
  const { from, to, ...rest } = query;
  const start = from === undefined ? undefined : instant(from, 'from');
  const end = to === undefined ? undefined : instant(to, 'to');
  if (start && end && start > end) {
    throw new ProblemError({
      status: 400,
      code: 'invalid_date_range',
      title: 'Invalid date range',
      detail: `The date range ends before it starts: from (${from}) is after to (${to}).`,
      errors: [{ path: '/querystring/to', message: 'must not be before from' }],
    });
  }
  return { ...rest, ...(start && { from: start }), ...(end && { to: end }) };
}

export async function listEventPage(
  db: Kysely<Database>,
  query: AuditEventQuery & PageRequest,
): Promise<{ items: ServiceEventView[]; nextCursor: string | null }> {
  const { cursor, limit, ...filter } = query;
  const window = readPage({ cursor, limit }, BIGINT_KEY);
  const rows = await listEvents(db, { ...eventQuery(filter), ...window });
  const page = toPage(rows, window.limit, (row) => row.id);
  return {
    items: page.items.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}

/** Events read per query of an export. */
export const EXPORT_BATCH_SIZE = 1000;

export const EXPORT_COLUMNS = [
  'id',
  'created_at',
  'service_id',
  'service_name',
  'action',
  'from_status',
  'to_status',
  'service_status',
  'actor_email',
  'actor_name',
  'detail',
] as const;

function exportRecord(event: EventRecord): string {
  return csvRecord([
    event.id,
    event.createdAt.toISOString(),
    event.serviceId,
    event.serviceName,
    event.action,
    event.fromStatus ?? '',
    event.toStatus ?? '',
    event.serviceStatus ?? '',
    event.actor?.email ?? '',
    event.actor?.name ?? '',
    JSON.stringify(event.detail),
  ]);
}

/**
 * Every event matching `filter` as CSV text, newest first, read in keyset batches of `batchSize` and produced one
 * batch at a time, so an export of any size holds about one batch in memory (the consumer pulls the next one when it
 * has written the last). The first batch is read before this resolves: a database failure then answers a problem
 * instead of a file cut off after its header.
 */
export async function exportEvents(
  db: Kysely<Database>,
  query: AuditEventQuery,
  batchSize: number = EXPORT_BATCH_SIZE,
): Promise<AsyncGenerator<string>> {
  const filter = eventQuery(query);
  const first = await listEvents(db, { ...filter, limit: batchSize });
  return (async function* () {
    yield csvRecord(EXPORT_COLUMNS);
    let rows = first;
    for (;;) {
      // listEvents answers one row beyond the batch when there are more.
      const batch = rows.slice(0, batchSize);
      if (batch.length > 0) yield batch.map(exportRecord).join('');
      const last = batch.at(-1);
      if (rows.length <= batchSize || last === undefined) return;
      rows = await listEvents(db, { ...filter, before: last.id, limit: batchSize });
    }
  })();
}
