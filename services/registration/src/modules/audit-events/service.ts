import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { BIGINT_KEY, decodeCursor, toPage } from '../../pagination.ts';
import type { ServiceEventView } from '../backend-services/schemas.ts';
import { type EventFilter, listEvents } from './repository.ts';

export async function listEventPage(
  db: Kysely<Database>,
  filter: Omit<EventFilter, 'before'> & { cursor?: string | undefined },
): Promise<{ items: ServiceEventView[]; nextCursor: string | null }> {
  const { cursor, ...rest } = filter;
  const before = decodeCursor(cursor, BIGINT_KEY);
  const rows = await listEvents(db, { ...rest, ...(before !== undefined && { before }) });
  const page = toPage(rows, filter.limit, (row) => row.id);
  return {
    items: page.items.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
