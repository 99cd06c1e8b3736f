import type {
  BackendServiceRow,
  Database,
  EnvironmentColumn,
  NewBackendService,
  ProvisioningState,
  ServiceStatusColumn,
} from '@payerbox/db';
import {
  type Expression,
  type ExpressionBuilder,
  type InferResult,
  type Kysely,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { containsPattern } from '../../like-pattern.ts';
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

const serviceById = preparedQuery((db, values: { readonly id: string }) =>
  selectServices(db).where('backendServices.id', '=', values.id),
);

export async function findService(db: Db, id: string): Promise<ServiceRecord | undefined> {
  const rows = await serviceById(db, { id });
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

/** The list's own conditions (owner, status, keyset position) on a query over live services. */
function withListFilter<O>(
  query: SelectQueryBuilder<Database, 'backendServices', O>,
  filter: ServiceListFilter,
): SelectQueryBuilder<Database, 'backendServices', O> {
  let filtered = query;
  if (filter.ownerId !== undefined) filtered = filtered.where('backendServices.ownerId', '=', filter.ownerId);
  if (filter.status !== undefined) filtered = filtered.where('backendServices.status', '=', filter.status);
  if (filter.before !== undefined) filtered = filtered.where('backendServices.id', '<', filter.before);
  return filtered;
}

/** At most this many characters of the search go to the client id's trigram index. */
const CLIENT_ID_WINDOW = 5;

/**
 * `client_id ilike pattern`, cheaper on the trigram index. Client ids are `bs-` and 32 random hex digits, so the
 * trigram of `bs-` is in every one of them and each hex trigram in about 1 in 140: reading their posting lists is
 * what a search text costs, and they grow with the table. The index is therefore asked only for up to
 * {@link CLIENT_ID_WINDOW} characters (three trigrams: about one false candidate per three million services) of the
 * text's longest run of letters and digits, and the rows it finds are checked against the whole text: every client
 * id that contains the text contains the window too.
 */
function clientIdContains(eb: ExpressionBuilder<Database, 'backendServices'>, q: string, pattern: string) {
  const runs = q.match(/[0-9a-z]+/gi) ?? [];
  const window = runs
    .reduce((longest, run) => (run.length > longest.length ? run : longest), '')
    .slice(0, CLIENT_ID_WINDOW);
  if (window.length < 3 || window === q) return eb('backendServices.clientId', 'ilike', pattern);
  return eb.and([
    eb('backendServices.clientId', 'ilike', containsPattern(window)),
    // Not the indexed expression, so it is checked on the rows the window found.
    eb(sql<string>`${sql.ref('backendServices.clientId')} || ''`, 'ilike', pattern),
  ]);
}

/**
 * The ids of the services whose name, client id or (for the list of every owner) owner's e-mail contains `q`: at most
 * `limit + 1` per column, newest first, so that their union holds the page. One question per column lets the planner
 * choose for each between its trigram index (migration 0007), when the text is rare in that column, and walking the id
 * index until `limit + 1` rows match, when it is common. A single `or` over the three leaves it only the walk, which
 * reads every service when few match.
 */
function searchMatches(db: Db, filter: ServiceListFilter, q: string) {
  const pattern = containsPattern(q);
  const newestMatching = (match: (eb: ExpressionBuilder<Database, 'backendServices'>) => Expression<SqlBool>) =>
    withListFilter(db.selectFrom('backendServices').select('backendServices.id'), filter)
      .where('backendServices.deletedAt', 'is', null)
      .where(match)
      .orderBy('backendServices.id', 'desc')
      .limit(filter.limit + 1);
  const columns = [
    newestMatching((eb) => eb('backendServices.name', 'ilike', pattern)),
    newestMatching((eb) => clientIdContains(eb, q, pattern)),
    ...(filter.ownerId === undefined
      ? [
          newestMatching((eb) =>
            eb(
              'backendServices.ownerId',
              'in',
              eb.selectFrom('users').select('users.id').where('users.email', 'ilike', pattern),
            ),
          ),
        ]
      : []),
  ];
  // Each column's query is a derived table: a union's own operands cannot carry an order and a limit.
  return columns
    .map((column, index) => db.selectFrom(column.as(`by_column_${index}`)).select('id'))
    .reduce((union, next) => union.union(next));
}

/** The list's query: newest first, `limit + 1` rows so that the caller knows whether there is a next page. */
export function listServicesQuery(db: Db, filter: ServiceListFilter) {
  let query = withListFilter(selectServices(db), filter);
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

/** What a transition decides on: the status, the version and the configuration (an edit compares it). */
export type LockedService = Pick<
  BackendServiceRow,
  | 'id'
  | 'ownerId'
  | 'status'
  | 'version'
  | 'name'
  | 'description'
  | 'authMethod'
  | 'jwksUri'
  | 'scopeVersion'
  | 'scopes'
  | 'organizationId'
>;

/**
 * Reads a live service and locks its row until the transaction ends, so that concurrent transitions of one
 * service run one after the other and each sees the status the previous one left.
 */
export async function lockService(trx: Transaction<Database>, id: string): Promise<LockedService | undefined> {
  return trx
    .selectFrom('backendServices')
    .select([
      'id',
      'ownerId',
      'status',
      'version',
      'name',
      'description',
      'authMethod',
      'jwksUri',
      'scopeVersion',
      'scopes',
      'organizationId',
    ])
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .forUpdate()
    .executeTakeFirst();
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

/** What a change to a service leaves besides the row itself: its audit event and the environments to reconcile. */
export interface ChangeRecord {
  readonly actorId: string | null;
  /** The audit event's action, also the provisioning jobs' reason. */
  readonly action: string;
  /** How the event records the status: see eventStatuses in packages/domain. */
  readonly fromStatus: string | null;
  readonly toStatus: string | null;
  readonly serviceStatus: ServiceStatusColumn | null;
  readonly detail: Record<string, unknown>;
  /** Marked pending, with their jobs queued (or re-armed). */
  readonly environments: readonly EnvironmentColumn[];
}

/** A change record as the values of a prepared statement (see {@link preparedQuery}: placed, never inspected). */
interface ChangeValues {
  readonly actorId: string | null;
  readonly action: string;
  readonly fromStatus: string | null;
  readonly toStatus: string | null;
  readonly serviceStatus: ServiceStatusColumn | null;
  /** The detail as JSON text. */
  readonly detail: string;
  readonly environments: readonly EnvironmentColumn[];
}

function changeValues(change: ChangeRecord): ChangeValues {
  return {
    actorId: change.actorId,
    action: change.action,
    fromStatus: change.fromStatus,
    toStatus: change.toStatus,
    serviceStatus: change.serviceStatus,
    detail: JSON.stringify(change.detail),
    environments: change.environments,
  };
}

/**
 * A change's audit event and provisioning requests as the CTEs `event`, `requested` (the environments, as now) and
 * `job`, for the service whose id `serviceId` yields: one statement instead of a round trip each. The job row is
 * unique per (service, environment), so a burst of changes leaves one job that converges to the latest state; a
 * service inserted by the same statement has neither rows nor conflicts, so its inserts skip the conflict checks.
 * The statement does not wake the provisioner: its caller does, once committed (see provisioner-wakeup.ts).
 */
function changeCtes(
  serviceId: RawBuilder<string>,
  change: ChangeValues,
  service: 'new' | 'existing',
): RawBuilder<unknown> {
  const environments = sql`unnest(cast(${change.environments} as text[])) as environment`;
  const rearmEnvironment = sql`on conflict (service_id, environment)
      do update set state = 'pending', last_error = null, updated_at = now()`;
  const rearmJob = sql`on conflict (service_id, environment)
      do update set reason = excluded.reason, run_at = now(), attempts = 0, last_error = null,
                    generation = provisioning_jobs.generation + 1`;
  const existing = service === 'existing';
  return sql`event as (
      insert into service_events (service_id, actor_id, action, from_status, to_status, service_status, detail)
      values (${serviceId}, ${change.actorId}, ${change.action}, ${change.fromStatus}, ${change.toStatus},
              ${change.serviceStatus}, cast(${change.detail} as jsonb))
    ), requested as (
      insert into service_environments (service_id, environment, state)
      select ${serviceId}, environment, 'pending' from ${environments}
      ${existing ? rearmEnvironment : sql``}
      returning environment, state, last_error, updated_at
    ), job as (
      insert into provisioning_jobs (service_id, environment, reason)
      select ${serviceId}, environment, ${change.action} from ${environments}
      ${existing ? rearmJob : sql``}
    )`;
}

const REQUESTED_AS_JSON = sql<EnvironmentRow[]>`(
  select coalesce(json_agg(requested order by environment), '[]') from requested)`;

const changeOfService = preparedQuery((_db, values: ChangeValues & { readonly serviceId: string }) => {
  const id = sql<string>`cast(${values.serviceId} as uuid)`;
  return sql<{ environments: EnvironmentRow[] }>`
    with ${changeCtes(id, values, 'existing')}
    select ${REQUESTED_AS_JSON} as environments`;
});

/** Records a change of an existing service (in the caller's transaction): its environments as they are now. */
export async function recordChange(db: Db, serviceId: string, change: ChangeRecord): Promise<EnvironmentRow[]> {
  const rows = await changeOfService(db, { serviceId, ...changeValues(change) });
  return rows[0]?.environments ?? [];
}

/** The stored columns that a new service gets from the database (defaults), among those a representation shows. */
const DEFAULTED_COLUMNS = [
  'version',
  'reviewNote',
  'rejectionReason',
  'submittedAt',
  'reviewedAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly ServiceColumn[];

type SecretColumn = 'clientSecretCiphertext' | 'clientSecretKeyId' | 'clientSecretIssuedAt';

/** A new service: every stored column the database does not fill in, and its sealed secret when it has one. */
export type NewService = Pick<BackendServiceRow, Exclude<ServiceColumn, (typeof DEFAULTED_COLUMNS)[number]>> &
  Partial<Pick<NewBackendService, SecretColumn>>;

const insertWithChange = preparedQuery((db, values: NewService & ChangeValues) => {
  const { actorId, action, fromStatus, toStatus, serviceStatus, detail, environments, ...service } = values;
  const change = { actorId, action, fromStatus, toStatus, serviceStatus, detail, environments };
  // Only what the database filled in comes back (and the id, which the other CTEs read): the caller has the rest.
  const insert = db
    .insertInto('backendServices')
    .values(service)
    .returning(['id', ...DEFAULTED_COLUMNS]);
  const id = sql<string>`(select id from service)`;
  type Defaulted = InferResult<typeof insert>[number];
  return sql<Defaulted & { environments: EnvironmentRow[] }>`
    with service as (${insert}), ${changeCtes(id, change, 'new')}
    select service.*, ${REQUESTED_AS_JSON} as environments from service`;
});

/**
 * Inserts a service together with its change record in one statement, atomic without a transaction of its own;
 * answers the stored columns (those a representation shows) and the environments.
 */
export async function insertServiceRecordingChange(db: Db, values: NewService, change: ChangeRecord) {
  const [row] = await insertWithChange(db, { ...values, ...changeValues(change) });
  if (!row) throw new Error('the service insert returned nothing');
  const { environments, ...defaulted } = row;
  const {
    clientSecretCiphertext: _ciphertext,
    clientSecretKeyId: _keyId,
    clientSecretIssuedAt: _at,
    ...given
  } = values;
  const inserted: Pick<BackendServiceRow, ServiceColumn> = { ...given, ...defaulted };
  return { inserted, environments };
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
