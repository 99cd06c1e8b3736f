import { createHash } from 'node:crypto';
import type { Database } from '@payerbox/db';
import { sql, type Transaction } from 'kysely';

/** How long a key is remembered; after that the same key starts a new request. */
const RETENTION = sql`interval '24 hours'`;

export interface IdempotencyScope {
  readonly userId: string;
  readonly operation: string;
  readonly key: string;
}

export type Claim =
  | { readonly kind: 'claimed' }
  | { readonly kind: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'mismatch' };

/** JSON with object keys sorted, so that equal requests hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(body: unknown): Buffer {
  return createHash('sha256').update(canonicalJson(body)).digest();
}

/**
 * Claims an idempotency key inside the caller's transaction. A concurrent request with the same key blocks on the
 * unique index until this transaction ends, then sees the stored response: one request does the work, the others
 * replay it.
 */
export async function claimIdempotencyKey(
  trx: Transaction<Database>,
  scope: IdempotencyScope,
  hash: Buffer,
): Promise<Claim> {
  const claimed = await trx
    .insertInto('idempotencyKeys')
    .values({ ...scope, requestHash: hash })
    .onConflict((oc) =>
      oc
        .columns(['userId', 'operation', 'key'])
        .doUpdateSet({ requestHash: hash, responseStatus: null, responseBody: null, createdAt: new Date() })
        .where('idempotencyKeys.createdAt', '<', sql<Date>`now() - ${RETENTION}`),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed) return { kind: 'claimed' };
  const existing = await trx
    .selectFrom('idempotencyKeys')
    .select(['requestHash', 'responseStatus', 'responseBody'])
    .where('userId', '=', scope.userId)
    .where('operation', '=', scope.operation)
    .where('key', '=', scope.key)
    .executeTakeFirstOrThrow();
  if (!existing.requestHash.equals(hash)) return { kind: 'mismatch' };
  return { kind: 'replay', status: existing.responseStatus ?? 200, body: existing.responseBody };
}

export async function storeIdempotentResponse(
  trx: Transaction<Database>,
  scope: IdempotencyScope,
  status: number,
  body: unknown,
): Promise<void> {
  await trx
    .updateTable('idempotencyKeys')
    .set({ responseStatus: status, responseBody: JSON.stringify(body) })
    .where('userId', '=', scope.userId)
    .where('operation', '=', scope.operation)
    .where('key', '=', scope.key)
    .execute();
}
