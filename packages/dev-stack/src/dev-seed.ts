import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Database, UserRole } from '@payerbox/db';
import { createApiToken, hashToken, upsertUserByEmail } from '@payerbox/registration/test-support';
import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';

export const DEV_ACCOUNTS = {
  developer: { email: 'developer@example.com', name: 'Dana Developer', role: 'developer' },
  developer2: { email: 'developer2@example.com', name: 'Devin Second', role: 'developer' },
  admin: { email: 'admin@example.com', name: 'Avery Admin', role: 'admin' },
} as const satisfies Record<string, { email: string; name: string; role: UserRole }>;

export type DevAccountName = keyof typeof DEV_ACCOUNTS;
export interface DevCredential {
  email: string;
  password: string;
  apiToken: string;
  /** Carried so that the development identity provider can sign the account in as who it is. */
  name: string;
  role: UserRole;
}
export type DevCredentials = Record<DevAccountName, DevCredential>;

async function readPrevious(file: string): Promise<Partial<DevCredentials>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Partial<DevCredentials>;
  } catch {
    return {};
  }
}

async function tokenStillWorks(db: Kysely<Database>, userId: string, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const row = await db
    .selectFrom('apiTokens')
    .select('id')
    .where('tokenHash', '=', hashToken(token))
    .where('userId', '=', userId)
    .where('revokedAt', 'is', null)
    .where('expiresAt', '>', new Date())
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Development mode only: makes sure the three demo accounts exist with a working API token. Credentials from an
 * earlier run are kept while they still work, so restarting the portal does not invalidate scripts.
 */
export async function seedDevelopmentAccounts(db: Kysely<Database>, previousFile: string): Promise<DevCredentials> {
  const previous = await readPrevious(previousFile);
  const result = {} as DevCredentials;
  for (const [key, account] of Object.entries(DEV_ACCOUNTS) as [
    DevAccountName,
    (typeof DEV_ACCOUNTS)[DevAccountName],
  ][]) {
    const user = await upsertUserByEmail(db, account);
    const earlier = previous[key];
    const apiToken = (await tokenStillWorks(db, user.id, earlier?.apiToken))
      ? (earlier?.apiToken as string)
      : (await createApiToken(db, user.id, { name: `dev seed ${uuidv7().slice(-6)}`, expiresInDays: 365 }, 365)).token;
    result[key] = {
      email: account.email,
      password: earlier?.password ?? randomBytes(12).toString('base64url'),
      apiToken,
      name: account.name,
      role: account.role,
    };
  }
  return result;
}
