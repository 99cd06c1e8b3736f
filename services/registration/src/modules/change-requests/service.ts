import { type PageRequest, readPage, toPage, UUID_KEY } from '../../pagination.ts';
import type { ViewContext } from '../backend-services/context.ts';
import { listChangeRequests } from './repository.ts';
import { toChangeRequestView } from './representation.ts';
import type { ChangeRequestView } from './schemas.ts';

/** A page of a service's change requests, newest first (the caller has checked that it may see the service). */
export async function changeRequestPage(
  ctx: ViewContext,
  serviceId: string,
  query: PageRequest,
): Promise<{ items: ChangeRequestView[]; nextCursor: string | null }> {
  const window = readPage(query, UUID_KEY);
  const rows = await listChangeRequests(ctx.db, serviceId, window);
  const page = toPage(rows, window.limit, (row) => row.id);
  return { items: page.items.map(toChangeRequestView), nextCursor: page.nextCursor };
}
