import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { depthAndOldestAge, dueCountAndOldestAge } from './statements.ts';

/** Jobs waiting and the age of the oldest due one (for logs and metrics). */
export async function queueDepth(db: Kysely<Database>): Promise<{ depth: number; oldestAgeMs: number }> {
  const row = await depthAndOldestAge(db).executeTakeFirstOrThrow();
  return { depth: Number(row.depth), oldestAgeMs: Math.max(0, Number(row.oldestAgeMs)) };
}

/** Jobs due now (claimable or in hand), and how long the oldest of them has been due, for the metrics. */
export async function dueJobs(db: Kysely<Database>): Promise<{ count: number; oldestAgeSeconds: number }> {
  const row = await dueCountAndOldestAge(db).executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestAgeSeconds: Math.max(0, Number(row.oldestAgeSeconds)) };
}
