import type { Database, User, UserRole } from '@payerbox/db';
import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';

type Db = Kysely<Database> | Transaction<Database>;

export type AuthenticatedUser = Pick<User, 'id' | 'email' | 'name' | 'role'>;

/** The user who owns a live (not revoked, not expired) API token with this hash. */
export async function findUserByTokenHash(
  db: Db,
  tokenHash: Buffer,
): Promise<(AuthenticatedUser & { tokenId: string; lastUsedAt: Date | null }) | undefined> {
  return db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.id', 'apiTokens.userId')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'apiTokens.id as tokenId', 'apiTokens.lastUsedAt'])
    .where('apiTokens.tokenHash', '=', tokenHash)
    .where('apiTokens.revokedAt', 'is', null)
    .where('apiTokens.expiresAt', '>', new Date())
    .executeTakeFirst();
}

/** Creates the user or updates name and role of the one with this e-mail address. */
export async function upsertUserByEmail(
  db: Db,
  user: { email: string; name: string; role: UserRole },
): Promise<AuthenticatedUser> {
  const existing = await db
    .selectFrom('users')
    .select(['id'])
    .where((eb) => eb(eb.fn('lower', ['email']), '=', user.email.toLowerCase()))
    .executeTakeFirst();
  if (existing) {
    return db
      .updateTable('users')
      .set({ name: user.name, role: user.role, updatedAt: new Date() })
      .where('id', '=', existing.id)
      .returning(['id', 'email', 'name', 'role'])
      .executeTakeFirstOrThrow();
  }
  return db
    .insertInto('users')
    .values({ id: uuidv7(), email: user.email, name: user.name, role: user.role })
    .returning(['id', 'email', 'name', 'role'])
    .executeTakeFirstOrThrow();
}
