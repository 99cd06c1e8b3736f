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
  updatedAt: string;
}

export type ServiceRecord = Omit<BackendServiceRow, 'deletedAt' | 'reviewedBy'> & {
  owner: { id: string; email: string; name: string };
  environments: EnvironmentRow[];
};

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

export async function findService(db: Db, id: string): Promise<ServiceRecord | undefined> {
  const row = await selectServices(db).where('backendServices.id', '=', id).executeTakeFirst();
  return row as ServiceRecord | undefined;
}

export interface ServiceListFilter {
  readonly ownerId?: string;
  readonly status?: ServiceStatusColumn;
  /** Case-insensitive match on name, client id or owner e-mail. */
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
    query = query.where((eb) =>
      eb.or([
        eb('backendServices.name', 'ilike', pattern),
        eb('backendServices.clientId', 'ilike', pattern),
        eb.exists(
          eb
            .selectFrom('users')
            .select(sql`1`.as('one'))
            .whereRef('users.id', '=', 'backendServices.ownerId')
            .where('users.email', 'ilike', pattern),
        ),
      ] as Expression<SqlBool>[]),
    );
  }
  const rows = await query
    .orderBy('backendServices.id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return rows as ServiceRecord[];
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

export async function insertService(trx: Transaction<Database>, values: NewBackendService): Promise<void> {
  await trx.insertInto('backendServices').values(values).execute();
}

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
): Promise<void> {
  await trx
    .insertInto('serviceEnvironments')
    .values({ serviceId, environment, state: 'pending' })
    .onConflict((oc) =>
      oc
        .columns(['serviceId', 'environment'])
        .doUpdateSet({ state: 'pending', lastError: null, updatedAt: new Date() }),
    )
    .execute();
  await trx
    .insertInto('provisioningJobs')
    .values({ serviceId, environment, reason })
    .onConflict((oc) =>
      oc.columns(['serviceId', 'environment']).doUpdateSet((eb) => ({
        reason,
        runAt: new Date(),
        attempts: 0,
        lastError: null,
        generation: eb('provisioningJobs.generation', '+', 1),
      })),
    )
    .execute();
  await sql`select pg_notify('provisioning_jobs', ${`${serviceId}:${environment}`})`.execute(trx);
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
