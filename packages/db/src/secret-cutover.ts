import type { SecretSwitchedBy } from '@payerbox/domain';
import type { BackendServiceRow } from './schema.ts';

/** What a pending production secret cutover holds: the next secret, sealed, and when it was issued. */
export type PendingCutover = Pick<
  BackendServiceRow,
  'nextProductionSecretCiphertext' | 'nextProductionSecretKeyId' | 'secretCutoverStartedAt'
>;

/** The columns a production secret switch writes (see {@link switchedCutoverColumns}). */
export type CutoverSwitchColumns = Pick<
  BackendServiceRow,
  | 'productionSecretCiphertext'
  | 'productionSecretKeyId'
  | 'productionSecretIssuedAt'
  | 'productionSecretShared'
  | 'productionSecretRetrievedAt'
  | 'nextProductionSecretCiphertext'
  | 'nextProductionSecretKeyId'
  | 'secretCutoverSwitchedAt'
  | 'secretCutoverSwitchedBy'
>;

/**
 * The switch of a pending cutover: its next secret becomes the production secret, which the production reconcile
 * then writes into the Client. One definition for both processes that switch: the registration service (the owner
 * confirms) and the provisioner (the deadline passed); each runs it under the service row's lock.
 *
 * @throws Error when the cutover holds no next secret (the caller checks that it is pending first).
 */
export function switchedCutoverColumns(
  pending: PendingCutover,
  by: Exclude<SecretSwitchedBy, 'emergency'>,
  now: Date,
): CutoverSwitchColumns {
  const { nextProductionSecretCiphertext: ciphertext, nextProductionSecretKeyId: keyId } = pending;
  if (!ciphertext || !keyId || !pending.secretCutoverStartedAt) throw new Error('no secret cutover is pending');
  return {
    productionSecretCiphertext: ciphertext,
    productionSecretKeyId: keyId,
    // The secret's own issue time: the provisioner records the cutover applied only when it wrote this very secret.
    productionSecretIssuedAt: pending.secretCutoverStartedAt,
    productionSecretShared: false,
    // The answer that started the cutover showed this secret: there is nothing left to retrieve.
    productionSecretRetrievedAt: now,
    nextProductionSecretCiphertext: null,
    nextProductionSecretKeyId: null,
    secretCutoverSwitchedAt: now,
    secretCutoverSwitchedBy: by,
  };
}
