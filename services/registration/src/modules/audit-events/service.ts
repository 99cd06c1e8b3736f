import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { BIGINT_KEY, type PageRequest, readPage, toPage } from '../../pagination.ts';
import type { ServiceEventView } from '../backend-services/schemas.ts';
import { type EventFilter, listEvents } from './repository.ts';

export async function listEventPage(
  db: Kysely<Database>,
  filter: Omit<EventFilter, 'before' | 'limit'> & PageRequest,
): Promise<{ items: ServiceEventView[]; nextCursor: string | null }> {
  const { cursor, limit, ...rest } = filter;
  const window = readPage({ cursor, limit }, BIGINT_KEY);
  const rows = await listEvents(db, { ...rest, ...window });
  const page = toPage(rows, window.limit, (row) => row.id);
  return {
    items: page.items.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    nextCursor: page.nextCursor,
  };
}
