import { randomBytes } from 'node:crypto';
import type { Database } from '@payerbox/db';
import { type Keyring, open, seal } from '@payerbox/secret-box';
import type { Kysely } from 'kysely';
import type { ServiceChanges } from './repository-writes.ts';

/**
 * Client secrets are 256 random bits behind the prefix `pbx_cs_`, so that secret scanners can recognise a leaked one.
 * The plaintext exists only in the response that issues it; the database keeps it sealed to its service id.
 */
const SECRET_PREFIX = 'pbx_cs_';

export function generateClientSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** The columns that store a newly issued secret. */
export function sealedSecretColumns(keyring: Keyring, serviceId: string, secret: string): ServiceChanges {
  const sealed = seal(keyring, secret, serviceId);
  return {
    clientSecretCiphertext: sealed.ciphertext,
    clientSecretKeyId: sealed.keyId,
    clientSecretIssuedAt: new Date(),
  };
}

/** The columns after a switch away from client secrets. */
export const NO_SECRET_COLUMNS: ServiceChanges = {
  clientSecretCiphertext: null,
  clientSecretKeyId: null,
  clientSecretIssuedAt: null,
};

/** The current secret of a service, for the one case that shows it again: replaying an idempotent create. */
export async function currentClientSecret(
  db: Kysely<Database>,
  keyring: Keyring,
  serviceId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('backendServices')
    .select(['clientSecretCiphertext', 'clientSecretKeyId'])
    .where('id', '=', serviceId)
    .where('deletedAt', 'is', null)
    .executeTakeFirst();
  if (!row?.clientSecretCiphertext || !row.clientSecretKeyId) return undefined;
  return open(keyring, { keyId: row.clientSecretKeyId, ciphertext: row.clientSecretCiphertext }, serviceId);
}
