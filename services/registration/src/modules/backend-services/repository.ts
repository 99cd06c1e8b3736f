import type {
  BackendServiceRow,
  Database,
  EnvironmentColumn,
  NewBackendService,
  ProvisioningState,
  ServiceStatusColumn,
} from '@payerbox/db';
import { type Expression, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { TimestampKey } from '../../pagination.ts';
import { preparedQuery } from '../../prepared-query.ts';
import { type OrganizationPlacement, organizationPlacements } from '../organizations/repository.ts';

type Db = Kysely<Database> | Transaction<Database>;

const SERVICE_COLUMNS = [
  'backendServices.id',
  'backendServices.clientId',
  'backendServices.ownerId',
  'backendServices.name',
  'backendServices.description',
  'backendServices.authMethod',
  'backendServices.jwksUri',
  'backendServices.scopeVersion',
  'backendServices.scopes',
  'backendServices.organizationId',
  'backendServices.status',
  'backendServices.version',
  'backendServices.reviewNote',
  'backendServices.rejectionReason',
  'backendServices.submittedAt',
  'backendServices.reviewedAt',
  'backendServices.createdAt',
  'backendServices.updatedAt',
] as const;

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
function selectServices(db: Db) {
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
    .where('backendServices.deletedAt', 'is', null);
}

const serviceById = preparedQuery((db) =>
  selectServices(db).where('backendServices.id', '=', '00000000-0000-0000-0000-000000000000'),
);

export async function findService(db: Db, id: string): Promise<ServiceRecord | undefined> {
  const rows = await serviceById(db, [id]);
  const [record] = await withOrganizations(db, rows as ServiceRow[]);
  return record;
}

export interface ServiceListFilter {
  readonly ownerId?: string;
  readonly status?: ServiceStatusColumn;
  /** Case-insensitive match on name or client id, and on the owner's e-mail when the list is not one owner's. */
  readonly q?: string;
  /** Keyset: only services created before this id (UUIDv7 order). */
  readonly before?: string;
  readonly limit: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Newest first; fetches `limit + 1` rows so the caller knows whether there is a next page. */
export async function listServices(db: Db, filter: ServiceListFilter): Promise<ServiceRecord[]> {
  let query = selectServices(db);
  if (filter.ownerId !== undefined) query = query.where('backendServices.ownerId', '=', filter.ownerId);
  if (filter.status !== undefined) query = query.where('backendServices.status', '=', filter.status);
  if (filter.before !== undefined) query = query.where('backendServices.id', '<', filter.before);
  if (filter.q !== undefined) {
    const pattern = `%${escapeLike(filter.q)}%`;
    const matchOwner = filter.ownerId === undefined;
    query = query.where((eb) =>
      eb.or([
        eb('backendServices.name', 'ilike', pattern),
        eb('backendServices.clientId', 'ilike', pattern),
        ...(matchOwner
          ? [
              eb.exists(
                eb
                  .selectFrom('users')
                  .select(sql`1`.as('one'))
                  .whereRef('users.id', '=', 'backendServices.ownerId')
                  .where('users.email', 'ilike', pattern),
              ),
            ]
          : []),
      ] as Expression<SqlBool>[]),
    );
  }
  const rows = await query
    .orderBy('backendServices.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
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

export interface LockedService {
  id: string;
  ownerId: string;
  status: ServiceStatusColumn;
  version: number;
  authMethod: BackendServiceRow['authMethod'];
  jwksUri: string | null;
  scopeVersion: BackendServiceRow['scopeVersion'];
  scopes: string[];
}

/**
 * Reads a live service and locks its row until the transaction ends, so that concurrent transitions of one
 * service run one after the other and each sees the status the previous one left.
 */
export async function lockService(trx: Transaction<Database>, id: string): Promise<LockedService | undefined> {
  return trx
    .selectFrom('backendServices')
    .select(['id', 'ownerId', 'status', 'version', 'authMethod', 'jwksUri', 'scopeVersion', 'scopes'])
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/** Inserts a service and answers its stored columns (those a representation shows). */
export async function insertService(trx: Transaction<Database>, values: NewBackendService) {
  return trx
    .insertInto('backendServices')
    .values(values)
    .returning(SERVICE_COLUMNS.map((column) => column.replace('backendServices.', '')) as ServiceColumn[])
    .executeTakeFirstOrThrow();
}

type ServiceColumn = (typeof SERVICE_COLUMNS)[number] extends `backendServices.${infer C}` ? C : never;

export type ServiceChanges = Partial<
  Pick<
    BackendServiceRow,
    | 'name'
    | 'description'
    | 'authMethod'
    | 'jwksUri'
    | 'scopeVersion'
    | 'scopes'
    | 'organizationId'
    | 'status'
    | 'reviewNote'
    | 'rejectionReason'
    | 'submittedAt'
    | 'reviewedAt'
    | 'reviewedBy'
    | 'deletedAt'
    | 'clientSecretCiphertext'
    | 'clientSecretKeyId'
    | 'clientSecretIssuedAt'
  >
>;

/** Applies changes to a locked service and bumps its version. */
export async function updateService(trx: Transaction<Database>, id: string, changes: ServiceChanges): Promise<void> {
  await trx
    .updateTable('backendServices')
    .set((eb) => ({ ...changes, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .execute();
}

export interface NewEvent {
  serviceId: string;
  actorId: string | null;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  detail?: Record<string, unknown>;
}

export async function insertEvent(trx: Transaction<Database>, event: NewEvent): Promise<void> {
  await trx
    .insertInto('serviceEvents')
    .values({ ...event, detail: JSON.stringify(event.detail ?? {}) })
    .execute();
}

/**
 * Records that an environment must be reconciled: marks it pending and queues (or re-arms) its job. The job row is
 * unique per (service, environment), so a burst of changes leaves one job that converges to the latest state.
 */
export async function requestProvisioning(
  trx: Transaction<Database>,
  serviceId: string,
  environment: EnvironmentColumn,
  reason: string,
): Promise<EnvironmentRow> {
  // One statement (two upserts and the notification) instead of three round trips inside the caller's transaction.
  const result = await sql<EnvironmentRow>`
    with environment as (
      insert into service_environments (service_id, environment, state)
      values (${serviceId}, ${environment}, 'pending')
      on conflict (service_id, environment)
      do update set state = 'pending', last_error = null, updated_at = now()
      returning environment, state, last_error, updated_at
    ), job as (
      insert into provisioning_jobs (service_id, environment, reason)
      values (${serviceId}, ${environment}, ${reason})
      on conflict (service_id, environment)
      do update set reason = excluded.reason, run_at = now(), attempts = 0, last_error = null,
                    generation = provisioning_jobs.generation + 1
    )
    select environment.*, pg_notify('provisioning_jobs', ${`${serviceId}:${environment}`}) is null as notified
      from environment`.execute(trx);
  const row = result.rows[0];
  if (!row) throw new Error('the environment upsert returned nothing');
  return { environment: row.environment, state: row.state, lastError: row.lastError, updatedAt: row.updatedAt };
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
