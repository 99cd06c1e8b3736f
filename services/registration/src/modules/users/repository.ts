import type { Database, User, UserRole } from '@payerbox/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { ProblemError } from '../../errors.ts';
import { preparedQuery } from '../../prepared-query.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type AuthenticatedUser = Pick<User, 'id' | 'email' | 'name' | 'role'>;

const userByTokenHash = preparedQuery((db, values: { readonly tokenHash: Buffer }) =>
  db
    .selectFrom('apiTokens')
    .innerJoin('users', 'users.id', 'apiTokens.userId')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'apiTokens.id as tokenId',
      'apiTokens.lastUsedAt',
      'apiTokens.expiresAt',
    ])
    .where('apiTokens.tokenHash', '=', values.tokenHash)
    .where('apiTokens.revokedAt', 'is', null)
    .where('apiTokens.expiresAt', '>', sql<Date>`now()`),
);

/** The user who owns a live (not revoked, not expired) API token with this hash. */
export async function findUserByTokenHash(
  db: Kysely<Database>,
  tokenHash: Buffer,
): Promise<(AuthenticatedUser & { tokenId: string; lastUsedAt: Date | null; expiresAt: Date }) | undefined> {
  const rows = await userByTokenHash(db, { tokenHash });
  return rows[0];
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

export interface IdentityClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
  readonly role: UserRole;
}

/**
 * The user behind an OpenID identity (issuer + subject), created or refreshed from its claims (e-mail, name, role).
 * A first sign-in adopts an existing account with the same e-mail only when the issuer says the address is verified
 * and the account has no identity yet (seeded or pre-provisioned users); otherwise an unverified address could take
 * over someone's account.
 */
export async function upsertUserByIdentity(db: Kysely<Database>, identity: IdentityClaims): Promise<AuthenticatedUser> {
  return db.transaction().execute(async (trx) => {
    const known = await trx
      .selectFrom('users')
      .select('id')
      .where('oidcIssuer', '=', identity.issuer)
      .where('oidcSubject', '=', identity.subject)
      .forUpdate()
      .executeTakeFirst();
    const adoptable =
      !known && identity.emailVerified
        ? await trx
            .selectFrom('users')
            .select('id')
            .where((eb) => eb(eb.fn('lower', ['email']), '=', identity.email.toLowerCase()))
            .where('oidcSubject', 'is', null)
            .forUpdate()
            .executeTakeFirst()
        : undefined;
    const existing = known ?? adoptable;
    const values = {
      email: identity.email,
      name: identity.name,
      role: identity.role,
      oidcIssuer: identity.issuer,
      oidcSubject: identity.subject,
      updatedAt: new Date(),
    };
    if (existing) {
      return trx
        .updateTable('users')
        .set(values)
        .where('id', '=', existing.id)
        .returning(['id', 'email', 'name', 'role'])
        .executeTakeFirstOrThrow();
    }
    const taken = await trx
      .selectFrom('users')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', identity.email.toLowerCase()))
      .executeTakeFirst();
    if (taken) {
      throw new ProblemError({
        status: 409,
        code: 'email_in_use',
        title: 'This e-mail belongs to another account',
        detail: 'An account with this e-mail address signs in differently; ask an administrator to link them.',
      });
    }
    return trx
      .insertInto('users')
      .values({ id: uuidv7(), ...values })
      .returning(['id', 'email', 'name', 'role'])
      .executeTakeFirstOrThrow();
  });
}

/** The user of a known identity, if any. */
export async function findUserByIdentity(
  db: Kysely<Database>,
  issuer: string,
  subject: string,
): Promise<AuthenticatedUser | undefined> {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('oidcIssuer', '=', issuer)
    .where('oidcSubject', '=', subject)
    .executeTakeFirst();
}
