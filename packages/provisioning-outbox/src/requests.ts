import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { wakeWorkers } from './statements.ts';

/**
 * Wakes the provisioner workers. Call it once the transaction that queued jobs committed, never inside it: PostgreSQL
 * takes a database-wide lock for a transaction's notifications at commit and holds it through the commit's WAL flush,
 * which would serialize every change behind the others' disk writes.
 */
export async function wakeProvisioner(db: Kysely<Database>): Promise<void> {
  await wakeWorkers('').execute(db);
}
