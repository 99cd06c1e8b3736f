// Writing backend services: the row lock, updates, and the change record (audit event and provisioning request) that
// goes with every change, each in the caller's transaction.
import type {
  BackendServiceRow,
  Database,
  EnvironmentColumn,
  NewBackendService,
  ServiceStatusColumn,
} from '@payerbox/db';
import type { LifecycleAction } from '@payerbox/domain';
import { lockServiceForChange, provisioningRequestCtes, type ServiceLock } from '@payerbox/provisioning-outbox';
import { type InferResult, type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { preparedQuery } from '../../prepared-query.ts';
import type { EnvironmentRow, ServiceColumn } from './repository-reads.ts';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * What a transition decides on: the status, the version, the configuration (an edit compares it) and the state of
 * the production secret (its retrieval, a cutover).
 */
const LOCKED_COLUMNS = [
  'id',
  'ownerId',
  'status',
  'version',
  'name',
  'description',
  'authMethod',
  'jwksUri',
  'productionJwksUri',
  'scopeVersion',
  'scopes',
  'organizationId',
  'productionSecretCiphertext',
  'productionSecretKeyId',
  'productionSecretShared',
  'productionSecretRetrievedAt',
  'nextProductionSecretCiphertext',
  'nextProductionSecretKeyId',
  'secretCutoverStartedAt',
  'secretCutoverSwitchedAt',
  'secretCutoverAppliedAt',
] as const satisfies readonly (keyof BackendServiceRow)[];

export type LockedService = Pick<BackendServiceRow, (typeof LOCKED_COLUMNS)[number]>;

/**
 * Reads a live service and locks its row until the transaction ends, so that concurrent transitions of one
 * service run one after the other and each sees the status the previous one left. The lock is also what lets the
 * transaction re-arm the service's provisioning jobs ({@link recordChange}): see the outbox's lock order.
 */
export async function lockService(
  trx: Transaction<Database>,
  id: string,
): Promise<(LockedService & ServiceLock) | undefined> {
  return lockServiceForChange(
    trx.selectFrom('backendServices').select(LOCKED_COLUMNS).where('id', '=', id).where('deletedAt', 'is', null),
  );
}

export type ServiceChanges = Partial<
  Pick<
    BackendServiceRow,
    | 'name'
    | 'description'
    | 'authMethod'
    | 'jwksUri'
    | 'productionJwksUri'
    | 'scopeVersion'
    | 'scopes'
    | 'organizationId'
    | 'status'
    | 'reviewNote'
    | 'rejectionReason'
    | 'returnReason'
    | 'submittedAt'
    | 'reviewedAt'
    | 'reviewedBy'
    | 'deletedAt'
    | 'clientSecretCiphertext'
    | 'clientSecretKeyId'
    | 'clientSecretIssuedAt'
    | 'productionSecretCiphertext'
    | 'productionSecretKeyId'
    | 'productionSecretIssuedAt'
    | 'productionSecretRetrievedAt'
    | 'productionSecretShared'
    | 'nextProductionSecretCiphertext'
    | 'nextProductionSecretKeyId'
    | 'secretCutoverStartedAt'
    | 'secretCutoverDeadline'
    | 'secretCutoverSwitchedAt'
    | 'secretCutoverSwitchedBy'
    | 'secretCutoverAppliedAt'
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
  readonly action: LifecycleAction;
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
 * `job` (the outbox's, see provisioningRequestCtes), for the service whose id `serviceId` yields: one statement instead
 * of a round trip each. The statement does not wake the provisioner: its caller does, once committed (see
 * provisioner-wakeup.ts).
 */
function changeCtes(
  serviceId: RawBuilder<string>,
  change: ChangeValues,
  service: 'new' | 'existing',
): RawBuilder<unknown> {
  const request = { environments: change.environments, reason: change.action };
  return sql`event as (
      insert into service_events (service_id, actor_id, action, from_status, to_status, service_status, detail)
      values (${serviceId}, ${change.actorId}, ${change.action}, ${change.fromStatus}, ${change.toStatus},
              ${change.serviceStatus}, cast(${change.detail} as jsonb))
    ), ${provisioningRequestCtes(serviceId, request, service)}`;
}

const REQUESTED_AS_JSON = sql<EnvironmentRow[]>`(
  select coalesce(json_agg(requested order by environment), '[]') from requested)`;

const changeOfService = preparedQuery((_db, values: ChangeValues & { readonly serviceId: string }) => {
  const id = sql<string>`cast(${values.serviceId} as uuid)`;
  return sql<{ environments: EnvironmentRow[] }>`
    with ${changeCtes(id, values, 'existing')}
    select ${REQUESTED_AS_JSON} as environments`;
});

/**
 * Records a change of an existing service in the caller's transaction, which holds the service's lock (the outbox's
 * lock order: the service row before its job and environment rows): its environments as they are now.
 */
export async function recordChange(
  trx: Transaction<Database>,
  service: ServiceLock,
  change: ChangeRecord,
): Promise<EnvironmentRow[]> {
  const rows = await changeOfService(trx, { serviceId: service.id, ...changeValues(change) });
  return rows[0]?.environments ?? [];
}

/** The stored columns that a new service gets from the database (defaults), among those a representation shows. */
const DEFAULTED_COLUMNS = [
  'version',
  'reviewNote',
  'rejectionReason',
  'returnReason',
  'submittedAt',
  'reviewedAt',
  'createdAt',
  'updatedAt',
  'deletedAt',
  // A new service is a draft: its production secret comes with approval.
  'productionSecretIssuedAt',
  'productionSecretRetrievedAt',
  'secretCutoverStartedAt',
  'secretCutoverDeadline',
  'secretCutoverSwitchedAt',
  'secretCutoverSwitchedBy',
  'secretCutoverAppliedAt',
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
