// Reading backend services as the API shows them; every change is a lifecycle command (commands.ts).
import type { ServiceStatusColumn } from '@payerbox/db';
import type { Actor } from '@payerbox/domain';
import { problems } from '../../errors.ts';
import { type PageRequest, readPage, toPage, UUID_KEY } from '../../pagination.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import type { ViewContext } from './context.ts';
import { findService, listServices, type Visibility } from './repository-reads.ts';
import { toView } from './representation.ts';
import type { BackendService } from './schemas.ts';

/** Admins also see the rejected services their owners removed from the dashboard. */
function visibilityFor(actor: Actor): Visibility {
  return actor === 'admin' ? 'live_and_removed_rejected' : 'live';
}

/**
 * The list shows an admin the removed rejected services too, except where that could only cost: a status filter other
 * than rejected cannot match them, and keeps the live partial index (status, id) that serves it; a search stays on the
 * live services' trigram indexes (migration 0007), so a removed service is found through the audit trail, whose
 * service filter covers every service (0011), and opened by id.
 */
function listVisibility(actor: Actor, query: { status?: ServiceStatusColumn; q?: string }): Visibility {
  if (query.q !== undefined || (query.status !== undefined && query.status !== 'rejected')) return 'live';
  return visibilityFor(actor);
}

export async function getService(
  ctx: ViewContext,
  id: string,
  viewer: { user: AuthenticatedUser; actor: Actor },
): Promise<BackendService> {
  const record = await findService(ctx.db, id, visibilityFor(viewer.actor));
  if (!record || (viewer.actor === 'owner' && record.ownerId !== viewer.user.id)) {
    throw problems.notFound('The backend service');
  }
  return toView(record, viewer.actor, ctx.environmentSettings);
}

export async function listServicePage(
  ctx: ViewContext,
  query: { status?: ServiceStatusColumn; q?: string } & PageRequest,
  viewer: { ownerId?: string; actor: Actor },
): Promise<{ items: BackendService[]; nextCursor: string | null }> {
  const window = readPage(query, UUID_KEY);
  const rows = await listServices(ctx.db, {
    ...window,
    ...(viewer.ownerId !== undefined && { ownerId: viewer.ownerId }),
    ...(query.status !== undefined && { status: query.status }),
    ...(query.q !== undefined && { q: query.q }),
    visibility: listVisibility(viewer.actor, query),
  });
  const page = toPage(rows, window.limit, (row) => row.id);
  return {
    items: page.items.map((row) => toView(row, viewer.actor, ctx.environmentSettings)),
    nextCursor: page.nextCursor,
  };
}
