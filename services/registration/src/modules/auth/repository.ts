import type { Database } from '@payerbox/db';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AuthenticatedUser } from '../users/repository.ts';

/** Authorization requests older than this are abandoned (the user never came back from the identity provider). */
const LOGIN_REQUEST_TTL_MS = 10 * 60 * 1000;

export interface LoginRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
  app: 'developer' | 'admin';
  returnTo: string;
}

export async function saveLoginRequest(db: Kysely<Database>, request: LoginRequest): Promise<void> {
  await db.insertInto('loginRequests').values(request).execute();
  // Housekeeping on the way: abandoned requests go, so the table stays small without a scheduler.
  await db
    .deleteFrom('loginRequests')
    .where('createdAt', '<', new Date(Date.now() - LOGIN_REQUEST_TTL_MS))
    .execute();
}

/** Takes a pending request out (single use: a replayed or forged state finds nothing). */
export async function takeLoginRequest(db: Kysely<Database>, state: string): Promise<LoginRequest | undefined> {
  return db
    .deleteFrom('loginRequests')
    .where('state', '=', state)
    .where('createdAt', '>', new Date(Date.now() - LOGIN_REQUEST_TTL_MS))
    .returning(['state', 'nonce', 'codeVerifier', 'app', 'returnTo'])
    .executeTakeFirst();
}

export interface SessionRecord {
  id: string;
  userId: string;
  csrfToken: string;
  idToken: string | null;
  lastSeenAt: Date;
  expiresAt: Date;
}

export async function insertSession(
  db: Kysely<Database>,
  session: { tokenHash: Buffer; userId: string; csrfToken: string; idToken: string; expiresAt: Date },
): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('sessions')
    .values({ id, ...session })
    .execute();
  return id;
}

/** The session with this token hash and its user, whatever its age (the caller applies the lifetimes). */
export async function findSession(
  db: Kysely<Database>,
  tokenHash: Buffer,
): Promise<{ session: SessionRecord; user: AuthenticatedUser } | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .select([
      'sessions.id',
      'sessions.userId',
      'sessions.csrfToken',
      'sessions.idToken',
      'sessions.lastSeenAt',
      'sessions.expiresAt',
      'users.email',
      'users.name',
      'users.role',
    ])
    .where('sessions.tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  const { email, name, role, ...session } = row;
  return { session, user: { id: row.userId, email, name, role } };
}

export async function touchSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('sessions').set({ lastSeenAt: new Date() }).where('id', '=', id).execute();
}

export async function deleteSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}
