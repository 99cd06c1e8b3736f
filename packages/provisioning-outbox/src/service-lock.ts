// The lock order of the outbox. A transaction that changes a service and re-arms its jobs (the API) and one that
// settles a job (a worker) touch the same job and environment rows. Both take the service row's lock first, so they
// always meet at that row, one waits for the other there, and they cannot deadlock over the rows behind it.
import type { Database } from '@payerbox/db';
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import { lockServiceRowShared } from './statements.ts';

declare const serviceLocked: unique symbol;

/**
 * Proof that the caller's transaction holds the service row's update lock: only {@link lockServiceForChange} answers
 * one (the brand exists in the types alone), and re-arming an existing service's jobs asks for one.
 */
export interface ServiceLock {
  readonly id: string;
  readonly [serviceLocked]: true;
}

/**
 * Runs the caller's read of one service (it selects the columns and filters by id) with `FOR UPDATE`, which holds the
 * row until the transaction ends: concurrent changes of the service then run one after the other, and the service
 * row is locked before any job or environment row, the order every worker takes too ({@link withServiceLocked}).
 */
export async function lockServiceForChange<O extends { readonly id: string }>(
  query: SelectQueryBuilder<Database, 'backendServices', O>,
): Promise<(O & ServiceLock) | undefined> {
  return (await query.forUpdate().executeTakeFirst()) as (O & ServiceLock) | undefined;
}

/**
 * Runs `work` in a transaction that holds the service row's shared lock first: the only way the worker side touches a
 * job or environment row of a service, so that it takes the locks in the same order as the API
 * ({@link lockServiceForChange}).
 */
export async function withServiceLocked<T>(
  db: Kysely<Database>,
  serviceId: string,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await lockServiceRowShared(trx, serviceId).execute();
    return work(trx);
  });
}
