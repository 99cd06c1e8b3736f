import { randomBytes } from 'node:crypto';
import type { Database } from '@payerbox/db';
import { type Environment, secretSealingContext } from '@payerbox/domain';
import { type Keyring, open, seal } from '@payerbox/secret-box';
import type { Kysely } from 'kysely';
import type { ServiceChanges } from './repository-writes.ts';

/**
 * Client secrets are 256 random bits behind the prefix `pbx_cs_`, so that secret scanners can recognise a leaked one.
 * The plaintext exists only in the response that issues it; the database keeps it sealed to its service id and
 * environment (secretSealingContext in packages/domain): the sandbox and the production secret are two secrets.
 */
const SECRET_PREFIX = 'pbx_cs_';

export function generateClientSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

/** The columns that store a newly issued sandbox secret. */
export function sealedSecretColumns(keyring: Keyring, serviceId: string, secret: string): ServiceChanges {
  const sealed = seal(keyring, secret, secretSealingContext('sandbox', serviceId));
  return {
    clientSecretCiphertext: sealed.ciphertext,
    clientSecretKeyId: sealed.keyId,
    clientSecretIssuedAt: new Date(),
  };
}

/**
 * The columns that store a newly issued production secret, which replaces any before it. `shown`: the answer that
 * issues it shows it (a rotation), so it counts as retrieved; an approval's waits for its owner to retrieve it once.
 */
export function sealedProductionSecretColumns(
  keyring: Keyring,
  serviceId: string,
  secret: string,
  shown: boolean,
): ServiceChanges {
  const sealed = seal(keyring, secret, secretSealingContext('production', serviceId));
  const now = new Date();
  return {
    productionSecretCiphertext: sealed.ciphertext,
    productionSecretKeyId: sealed.keyId,
    productionSecretIssuedAt: now,
    productionSecretRetrievedAt: shown ? now : null,
    productionSecretShared: false,
  };
}

/** The columns that keep the next production secret of a cutover until its switch (sealed as production's). */
export function sealedNextProductionSecretColumns(keyring: Keyring, serviceId: string, secret: string): ServiceChanges {
  const sealed = seal(keyring, secret, secretSealingContext('production', serviceId));
  return { nextProductionSecretCiphertext: sealed.ciphertext, nextProductionSecretKeyId: sealed.keyId };
}

/** The columns after a switch away from client secrets. */
export const NO_SECRET_COLUMNS: ServiceChanges = {
  clientSecretCiphertext: null,
  clientSecretKeyId: null,
  clientSecretIssuedAt: null,
};

/** The columns after a switch away from client secrets in production: no secret, and no cutover left waiting. */
export const NO_PRODUCTION_SECRET_COLUMNS: ServiceChanges = {
  productionSecretCiphertext: null,
  productionSecretKeyId: null,
  productionSecretIssuedAt: null,
  productionSecretRetrievedAt: null,
  productionSecretShared: false,
  nextProductionSecretCiphertext: null,
  nextProductionSecretKeyId: null,
  secretCutoverStartedAt: null,
  secretCutoverDeadline: null,
  secretCutoverSwitchedAt: null,
  secretCutoverSwitchedBy: null,
  secretCutoverAppliedAt: null,
};

/** A sealed secret as the row keeps it. */
export interface SealedSecretColumns {
  readonly ciphertext: Buffer | null;
  readonly keyId: string | null;
}

/** Opens a secret the row keeps for `environment`; undefined when there is none. */
export function openSecret(
  keyring: Keyring,
  serviceId: string,
  environment: Environment,
  sealed: SealedSecretColumns,
  sharedWithSandbox = false,
): string | undefined {
  if (!sealed.ciphertext || !sealed.keyId) return undefined;
  const context = secretSealingContext(environment, serviceId, sharedWithSandbox);
  return open(keyring, { keyId: sealed.keyId, ciphertext: sealed.ciphertext }, context);
}

/** The current sandbox secret of a service, for the one case that shows it again: replaying an idempotent create. */
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
  if (!row) return undefined;
  return openSecret(keyring, serviceId, 'sandbox', {
    ciphertext: row.clientSecretCiphertext,
    keyId: row.clientSecretKeyId,
  });
}
