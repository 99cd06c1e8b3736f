import type { Database, ServiceStatusColumn } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';

export interface EventFilter {
  readonly serviceId?: string;
  readonly actorId?: string;
  readonly action?: string;
  /** Keyset: only events older than this id. */
  readonly before?: string;
  readonly limit: number;
}

export interface EventRecord {
  id: string;
  serviceId: string;
  serviceName: string;
  actor: { id: string; email: string; name: string } | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  serviceStatus: ServiceStatusColumn | null;
  detail: Record<string, unknown>;
  createdAt: Date;
}

/** Newest first, `limit + 1` rows (the extra one tells whether a next page exists). */
export async function listEvents(db: Kysely<Database>, filter: EventFilter): Promise<EventRecord[]> {
  let query = db
    .selectFrom('serviceEvents')
    .innerJoin('backendServices', 'backendServices.id', 'serviceEvents.serviceId')
    .select([
      'serviceEvents.id',
      'serviceEvents.serviceId',
      'backendServices.name as serviceName',
      'serviceEvents.action',
      'serviceEvents.fromStatus',
      'serviceEvents.toStatus',
      'serviceEvents.serviceStatus',
      'serviceEvents.detail',
      'serviceEvents.createdAt',
    ])
    .select((eb) =>
      jsonObjectFrom(
        eb
          .selectFrom('users')
          .select(['users.id', 'users.email', 'users.name'])
          .whereRef('users.id', '=', 'serviceEvents.actorId'),
      ).as('actor'),
    );
  if (filter.serviceId !== undefined) query = query.where('serviceEvents.serviceId', '=', filter.serviceId);
  if (filter.actorId !== undefined) query = query.where('serviceEvents.actorId', '=', filter.actorId);
  if (filter.action !== undefined) query = query.where('serviceEvents.action', '=', filter.action);
  if (filter.before !== undefined) query = query.where('serviceEvents.id', '<', filter.before);
  return query
    .orderBy('serviceEvents.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}
