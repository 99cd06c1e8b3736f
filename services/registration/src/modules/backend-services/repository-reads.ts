// Reading backend services: one with its owner and environments, the lists, the review queue.
import type { BackendServiceRow, Database, EnvironmentColumn, ProvisioningState } from '@payerbox/db';
import { type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { TimestampKey } from '../../pagination.ts';
import { preparedQuery } from '../../prepared-query.ts';
import { type OrganizationPlacement, organizationPlacements } from '../organizations/repository.ts';
import {
  type ServiceListFilter,
  searchMatches,
  type Visibility,
  visibleService,
  withListFilter,
} from './repository-search.ts';

export type { ServiceListFilter, Visibility } from './repository-search.ts';

type Db = Kysely<Database> | Transaction<Database>;

const SERVICE_COLUMNS = [
  'backendServices.id',
  'backendServices.clientId',
  'backendServices.ownerId',
  'backendServices.name',
  'backendServices.description',
  'backendServices.authMethod',
  'backendServices.jwksUri',
  'backendServices.productionJwksUri',
  'backendServices.scopeVersion',
  'backendServices.scopes',
  'backendServices.organizationId',
  'backendServices.status',
  'backendServices.version',
  'backendServices.reviewNote',
  'backendServices.rejectionReason',
  'backendServices.returnReason',
  'backendServices.submittedAt',
  'backendServices.reviewedAt',
  'backendServices.createdAt',
  'backendServices.updatedAt',
  'backendServices.deletedAt',
  // The production secret's state (never the secret): retrievable, and its latest rotation.
  'backendServices.productionSecretIssuedAt',
  'backendServices.productionSecretRetrievedAt',
  'backendServices.secretCutoverStartedAt',
  'backendServices.secretCutoverDeadline',
  'backendServices.secretCutoverSwitchedAt',
  'backendServices.secretCutoverSwitchedBy',
  'backendServices.secretCutoverAppliedAt',
] as const;

export type ServiceColumn = (typeof SERVICE_COLUMNS)[number] extends `backendServices.${infer C}` ? C : never;

export interface EnvironmentRow {
  environment: EnvironmentColumn;
  state: ProvisioningState;
  lastError: string | null;
  /** A string when it comes through JSON aggregation, a Date from a plain row. */
  updatedAt: string | Date;
}

export type ServiceRecord = Pick<BackendServiceRow, ServiceColumn> & {
  owner: { id: string; email: string; name: string };
  environments: EnvironmentRow[];
  /** From the cached organizations; null without an organization or when the cache does not list it (any more). */
  organization: OrganizationPlacement | null;
};

type ServiceRow = Omit<ServiceRecord, 'organization'>;

/**
 * Adds each service's organization with its ancestors: one more query, and only when a service has an
 * organization, so deployments without OrgBAC read exactly as before.
 */
async function withOrganizations<R extends ServiceRow>(db: Db, rows: R[]): Promise<(R & ServiceRecord)[]> {
  const ids = [...new Set(rows.map((row) => row.organizationId).filter((id): id is string => id !== null))];
  const placements = ids.length > 0 ? await organizationPlacements(db, ids) : new Map<string, OrganizationPlacement>();
  return rows.map((row) => ({
    ...row,
    organization: (row.organizationId !== null && placements.get(row.organizationId)) || null,
  }));
}

/** A service with its owner and provisioning state, in one round trip. */
function selectServices(db: Db, visibility: Visibility = 'live') {
  return db
    .selectFrom('backendServices')
    .select(SERVICE_COLUMNS)
    .select((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('users')
          .select(['users.id', 'users.email', 'users.name'])
          .whereRef('users.id', '=', 'backendServices.ownerId'),
      )
        .$notNull()
        .as('owner'),
      jsonArrayFrom(
        eb
          .selectFrom('serviceEnvironments')
          .select(['environment', 'state', 'lastError', 'serviceEnvironments.updatedAt'])
          .whereRef('serviceEnvironments.serviceId', '=', 'backendServices.id')
          .orderBy('environment'),
      ).as('environments'),
    ])
    .where((eb) => visibleService(eb, visibility));
}

const serviceById = preparedQuery((db, values: { readonly id: string }) =>
  selectServices(db).where('backendServices.id', '=', values.id),
);
const serviceByIdWithRemoved = preparedQuery((db, values: { readonly id: string }) =>
  selectServices(db, 'live_and_removed_rejected').where('backendServices.id', '=', values.id),
);

export async function findService(
  db: Db,
  id: string,
  visibility: Visibility = 'live',
): Promise<ServiceRecord | undefined> {
  const rows = await (visibility === 'live' ? serviceById : serviceByIdWithRemoved)(db, { id });
  const [record] = await withOrganizations(db, rows as ServiceRow[]);
  return record;
}
/** Several live services by id, in no particular order (the review queue's change requests name them). */
export async function findServices(db: Db, ids: readonly string[]): Promise<ServiceRecord[]> {
  if (ids.length === 0) return [];
  const rows = await selectServices(db).where('backendServices.id', 'in', ids).execute();
  return withOrganizations(db, rows as ServiceRow[]);
}

/** The list's query: newest first, `limit + 1` rows so that the caller knows whether there is a next page. */
export function listServicesQuery(db: Db, filter: ServiceListFilter) {
  let query = withListFilter(selectServices(db, filter.visibility), filter);
  if (filter.q !== undefined) query = query.where('backendServices.id', 'in', searchMatches(db, filter, filter.q));
  return query.orderBy('backendServices.id', 'desc').limit(filter.limit + 1);
}

export async function listServices(db: Db, filter: ServiceListFilter): Promise<ServiceRecord[]> {
  const rows = await listServicesQuery(db, filter).execute();
  return withOrganizations(db, rows as ServiceRow[]);
}

export interface ReviewQueueFilter {
  /** Keyset: only services after this (submitted_at, id). */
  readonly after?: TimestampKey;
  readonly limit: number;
}

/** A service in the review queue, with its keyset position (`submittedAt` at full precision, in UTC). */
export type ReviewQueueRecord = ServiceRecord & { queueKey: TimestampKey };

/**
 * The review queue: services under review, the one waiting longest first, `limit + 1` rows. The predicate is the one
 * of the partial index backend_services_review_queue_idx (with the status as a literal, so that even a generic plan
 * can prove it), which then serves both the filter and the order.
 */
export function reviewQueueQuery(db: Db, filter: ReviewQueueFilter) {
  const submittedAt = sql.ref('backendServices.submittedAt');
  const id = sql.ref('backendServices.id');
  let query = selectServices(db)
    .select(sql<string>`to_char(${submittedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('queueAt'))
    .where('backendServices.status', '=', sql.lit('under_review'));
  const after = filter.after;
  if (after !== undefined) {
    query = query.where(
      sql<SqlBool>`(${submittedAt}, ${id}) > (cast(${after.at} as timestamptz), cast(${after.id} as uuid))`,
    );
  }
  return query
    .orderBy('backendServices.submittedAt', 'asc')
    .orderBy('backendServices.id', 'asc')
    .limit(filter.limit + 1);
}

export async function listReviewQueue(db: Db, filter: ReviewQueueFilter): Promise<ReviewQueueRecord[]> {
  const rows = await reviewQueueQuery(db, filter).execute();
  return withOrganizations(
    db,
    rows.map(({ queueAt, ...row }) => ({ ...(row as ServiceRow), queueKey: { at: queueAt, id: row.id } })),
  );
}
/** The environments a service has been provisioned into (rotate-secret touches only those). */
export async function provisionedEnvironments(
  trx: Transaction<Database>,
  serviceId: string,
): Promise<EnvironmentColumn[]> {
  const rows = await trx
    .selectFrom('serviceEnvironments')
    .select('environment')
    .where('serviceId', '=', serviceId)
    .execute();
  return rows.map((r) => r.environment);
}
