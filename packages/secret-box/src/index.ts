import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Client secrets are kept encrypted with AES-256-GCM because Aidbox stores them hashed and the provisioner must be
 * able to put the same secret into production later. Each ciphertext records the id of its key, so a new key can
 * take over encryption while older keys still decrypt what they wrote.
 */

const KEY_BYTES = 32;
const IV_BYTES = 12; // NIST SP 800-38D: 96-bit IVs for GCM
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export interface Keyring {
  /** The key that encrypts new secrets. */
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export interface Sealed {
  readonly keyId: string;
  /** IV, then the GCM tag, then the ciphertext. */
  readonly ciphertext: Buffer;
}

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

/**
 * Parses `kid:base64key[,kid:base64key...]`; the first key is the active one. Each key is 32 random bytes in base64
 * (standard or url alphabet).
 */
export function parseKeyring(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  for (const entry of spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(':');
    const keyId = entry.slice(0, separator);
    if (separator < 0 || !KEY_ID.test(keyId)) {
      throw new SecretBoxError('each key must be written as <id>:<base64 key>, with an id of letters, digits, - or _');
    }
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`key ${keyId} must be ${KEY_BYTES} bytes of base64`);
    if (keys.has(keyId)) throw new SecretBoxError(`key id ${keyId} appears twice`);
    keys.set(keyId, key);
    activeKeyId ??= keyId;
  }
  if (!activeKeyId) throw new SecretBoxError('no key given');
  return { activeKeyId, keys };
}

/** A new keyring spec with one random key, for development mode and tests. */
export function generateKeyringSpec(keyId = `k${Date.now().toString(36)}`): string {
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * Encrypts with the active key. `context` is authenticated but not stored (the service id), so a ciphertext copied
 * to another row does not decrypt.
 */
export function seal(keyring: Keyring, plaintext: string, context: string): Sealed {
  const key = keyring.keys.get(keyring.activeKeyId) as Buffer;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { keyId: keyring.activeKeyId, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), body]) };
}

export function open(keyring: Keyring, sealed: Sealed, context: string): string {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) throw new SecretBoxError(`key ${sealed.keyId} is not configured; it is needed to decrypt this secret`);
  if (sealed.ciphertext.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('ciphertext is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.ciphertext.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(sealed.ciphertext.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(sealed.ciphertext.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch (cause) {
    throw new SecretBoxError('ciphertext does not authenticate (wrong key, wrong context or tampered)', { cause });
  }
}
