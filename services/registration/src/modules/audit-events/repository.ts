import type { Database, ServiceStatusColumn } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import { containsPattern } from '../../like-pattern.ts';

export interface EventFilter {
  readonly serviceId?: string;
  readonly actorId?: string;
  readonly action?: string;
  /** A case-insensitive substring of the service's (current) name, wildcards matched literally. */
  readonly service?: string;
  /** The service's client id, exactly. */
  readonly clientId?: string;
  /** A case-insensitive substring of the actor's e-mail address, wildcards matched literally. */
  readonly actorEmail?: string;
  /** Only events at or after this instant. */
  readonly from?: Date;
  /** Only events before this instant. */
  readonly to?: Date;
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

/**
 * Newest first, `limit + 1` rows (the extra one tells whether a next page exists). Each filter can lead the plan
 * through an index when it is the selective one: a service id or client id through the service's events
 * (service_events_service_idx), a name or e-mail substring through its trigram index (migrations 0007 and 0011) and
 * then the service's or actor's events, a date range through service_events_created_at_idx (0011); a filter that
 * matches most events is served by walking the id index newest first until the page is full.
 */
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
  if (filter.service !== undefined) {
    query = query.where('backendServices.name', 'ilike', containsPattern(filter.service));
  }
  if (filter.clientId !== undefined) query = query.where('backendServices.clientId', '=', filter.clientId);
  if (filter.actorEmail !== undefined) {
    const pattern = containsPattern(filter.actorEmail);
    query = query.where('serviceEvents.actorId', 'in', (eb) =>
      eb.selectFrom('users').select('users.id').where('users.email', 'ilike', pattern),
    );
  }
  if (filter.from !== undefined) query = query.where('serviceEvents.createdAt', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('serviceEvents.createdAt', '<', filter.to);
  if (filter.before !== undefined) query = query.where('serviceEvents.id', '<', filter.before);
  return query
    .orderBy('serviceEvents.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}
