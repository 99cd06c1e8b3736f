import type { ApiToken, Database } from '@payerbox/db';
import type { Kysely } from 'kysely';

const COLUMNS = ['id', 'name', 'tokenPrefix', 'createdAt', 'expiresAt', 'lastUsedAt', 'revokedAt'] as const;
export type ApiTokenRecord = Pick<ApiToken, (typeof COLUMNS)[number]>;

export async function insertToken(
  db: Kysely<Database>,
  token: { id: string; userId: string; name: string; tokenHash: Buffer; tokenPrefix: string; expiresAt: Date },
): Promise<ApiTokenRecord> {
  return db.insertInto('apiTokens').values(token).returning(COLUMNS).executeTakeFirstOrThrow();
}

/** The user's tokens, newest first (`limit + 1` rows). */
export async function listTokens(
  db: Kysely<Database>,
  userId: string,
  filter: { before?: string; limit: number },
): Promise<ApiTokenRecord[]> {
  let query = db.selectFrom('apiTokens').select(COLUMNS).where('userId', '=', userId);
  if (filter.before !== undefined) query = query.where('id', '<', filter.before);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/** Revokes one of the user's tokens; revoking twice keeps the first time. False when the user has no such token. */
export async function revokeToken(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('apiTokens')
    .set((eb) => ({ revokedAt: eb.fn.coalesce('revokedAt', eb.val(new Date())) }))
    .where('id', '=', id)
    .where('userId', '=', userId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
