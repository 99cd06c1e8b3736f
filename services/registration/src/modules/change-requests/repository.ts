// Change requests in PostgreSQL: each write runs in the caller's transaction, which holds the service's row lock, so
// that the requests of one service change one at a time.
import type { ChangeRequestRow, ChangeRequestsTable, Database } from '@payerbox/db';
import type { ChangedField, ChangeRequestStatus } from '@payerbox/domain';
import { type Insertable, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import { jsonObjectFrom } from 'kysely/helpers/postgres';
import type { TimestampKey } from '../../pagination.ts';

type Db = Kysely<Database> | Transaction<Database>;

const COLUMNS = [
  'changeRequests.id',
  'changeRequests.serviceId',
  'changeRequests.status',
  'changeRequests.name',
  'changeRequests.description',
  'changeRequests.authMethod',
  'changeRequests.jwksUri',
  'changeRequests.productionJwksUri',
  'changeRequests.scopeVersion',
  'changeRequests.scopes',
  'changeRequests.organizationId',
  'changeRequests.changes',
  'changeRequests.createdAt',
  'changeRequests.decidedAt',
  'changeRequests.reason',
  'changeRequests.note',
] as const;

type UserSummary = { id: string; email: string; name: string };

/** A change request as the API shows it (without its secret), with who made and who decided it. */
export type ChangeRequestRecord = Pick<
  ChangeRequestRow,
  | 'id'
  | 'serviceId'
  | 'status'
  | 'name'
  | 'description'
  | 'authMethod'
  | 'jwksUri'
  | 'productionJwksUri'
  | 'scopeVersion'
  | 'scopes'
  | 'organizationId'
  | 'changes'
  | 'createdAt'
  | 'decidedAt'
  | 'reason'
  | 'note'
> & { createdBy: UserSummary; decidedBy: UserSummary | null };

function selectRequests(db: Db) {
  return db
    .selectFrom('changeRequests')
    .select(COLUMNS)
    .select((eb) => [
      jsonObjectFrom(
        eb
          .selectFrom('users')
          .select(['users.id', 'users.email', 'users.name'])
          .whereRef('users.id', '=', 'changeRequests.createdBy'),
      )
        .$notNull()
        .as('createdBy'),
      jsonObjectFrom(
        eb
          .selectFrom('users')
          .select(['users.id', 'users.email', 'users.name'])
          .whereRef('users.id', '=', 'changeRequests.decidedBy'),
      ).as('decidedBy'),
    ]);
}

export async function findChangeRequest(
  db: Db,
  serviceId: string,
  id: string,
): Promise<ChangeRequestRecord | undefined> {
  return selectRequests(db)
    .where('changeRequests.serviceId', '=', serviceId)
    .where('changeRequests.id', '=', id)
    .executeTakeFirst();
}

/** A service's requests, newest first, `limit + 1` rows (keyset on the id, UUIDv7). */
export async function listChangeRequests(
  db: Db,
  serviceId: string,
  window: { readonly limit: number; readonly before?: string },
): Promise<ChangeRequestRecord[]> {
  let query = selectRequests(db).where('changeRequests.serviceId', '=', serviceId);
  if (window.before !== undefined) query = query.where('changeRequests.id', '<', window.before);
  return query
    .orderBy('changeRequests.id', 'desc')
    .limit(window.limit + 1)
    .execute();
}

/** The id of the service's pending request, if it has one. */
export async function pendingRequestId(trx: Transaction<Database>, serviceId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('changeRequests')
    .select('id')
    .where('serviceId', '=', serviceId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.id;
}

export type NewChangeRequest = Omit<Insertable<ChangeRequestsTable>, 'changes' | 'status'> & {
  readonly changes: readonly ChangedField[];
};

export async function insertChangeRequest(trx: Transaction<Database>, request: NewChangeRequest): Promise<void> {
  await trx
    .insertInto('changeRequests')
    .values({ ...request, status: 'pending', changes: JSON.stringify(request.changes) })
    .execute();
}

/** What a decision stores besides the status. */
export interface Decision {
  readonly status: Exclude<ChangeRequestStatus, 'pending'>;
  readonly decidedBy: string;
  readonly reason?: string | null;
  readonly note?: string | null;
}

/**
 * Decides a pending request: one statement guarded by `status = 'pending'`, so of two decisions only one finds it
 * pending. Answers the decided row with its proposed configuration and sealed secret, or undefined when it is not
 * pending (any more) or not the service's.
 */
export async function decidePending(trx: Transaction<Database>, serviceId: string, id: string, decision: Decision) {
  return trx
    .updateTable('changeRequests')
    .set({
      status: decision.status,
      decidedBy: decision.decidedBy,
      decidedAt: new Date(),
      reason: decision.reason ?? null,
      note: decision.note ?? null,
    })
    .where('id', '=', id)
    .where('serviceId', '=', serviceId)
    .where('status', '=', 'pending')
    .returning([
      'name',
      'description',
      'authMethod',
      'jwksUri',
      'productionJwksUri',
      'scopeVersion',
      'scopes',
      'organizationId',
      'clientSecretCiphertext',
      'clientSecretKeyId',
    ])
    .executeTakeFirst();
}

/** The status of one of the service's requests (to name it when a decision finds it no longer pending). */
export async function requestStatus(
  trx: Transaction<Database>,
  serviceId: string,
  id: string,
): Promise<ChangeRequestStatus | undefined> {
  const row = await trx
    .selectFrom('changeRequests')
    .select('status')
    .where('id', '=', id)
    .where('serviceId', '=', serviceId)
    .executeTakeFirst();
  return row?.status;
}

/** A pending request in the review queue, with its keyset position (`createdAt` at full precision, in UTC). */
export type QueuedChangeRequest = ChangeRequestRecord & { queueKey: TimestampKey };

/**
 * The review queue's pending requests, the one waiting longest first, `limit + 1` rows. The predicate is the one of the
 * partial index change_requests_queue_idx (the status as a literal, so that even a generic plan can prove it), which
 * then serves both the filter and the order.
 */
export function pendingRequestsQuery(db: Db, window: { readonly limit: number; readonly after?: TimestampKey }) {
  const createdAt = sql.ref('changeRequests.createdAt');
  const id = sql.ref('changeRequests.id');
  let query = selectRequests(db)
    .select(sql<string>`to_char(${createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('queueAt'))
    .where('changeRequests.status', '=', sql.lit('pending'));
  const after = window.after;
  if (after !== undefined) {
    query = query.where(
      sql<SqlBool>`(${createdAt}, ${id}) > (cast(${after.at} as timestamptz), cast(${after.id} as uuid))`,
    );
  }
  return query
    .orderBy('changeRequests.createdAt', 'asc')
    .orderBy('changeRequests.id', 'asc')
    .limit(window.limit + 1);
}

export async function listPendingRequests(
  db: Db,
  window: { readonly limit: number; readonly after?: TimestampKey },
): Promise<QueuedChangeRequest[]> {
  const rows = await pendingRequestsQuery(db, window).execute();
  return rows.map(({ queueAt, ...row }) => ({ ...row, queueKey: { at: queueAt, id: row.id } }));
}

/**
 * Closes the service's pending request when the service leaves active (retire, deactivate): nobody can decide it any
 * more. Recorded as withdrawn by whoever ended the service, with the reason.
 */
export async function closePendingRequest(
  trx: Transaction<Database>,
  serviceId: string,
  decidedBy: string,
  reason: string,
): Promise<void> {
  await trx
    .updateTable('changeRequests')
    .set({ status: 'withdrawn', decidedBy, decidedAt: new Date(), reason })
    .where('serviceId', '=', serviceId)
    .where('status', '=', 'pending')
    .execute();
}
