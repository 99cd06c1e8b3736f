/**
 * Rules for the public key set of a SMART Backend Services client (SMART App Launch 2.2, "Client Authentication:
 * Asymmetric"): clients sign assertions with RS384 or ES384, so the set must offer at least one such public key,
 * each key with a unique `kid`, and nothing private.
 */

export const SMART_SIGNING_ALGORITHMS = ['RS384', 'ES384'] as const;
export type SigningAlgorithm = (typeof SMART_SIGNING_ALGORITHMS)[number];

const MIN_RSA_BITS = 2048;
const P384_COORDINATE_BYTES = 48;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

export interface KeyReport {
  readonly index: number;
  readonly kid: string | null;
  readonly kty: string | null;
  /** The algorithm the key declares, or the one it implies (RS384 for RSA, ES384 for P-384). */
  readonly alg: string | null;
  readonly use: string | null;
  /** RSA modulus size in bits. */
  readonly bits: number | null;
  readonly curve: string | null;
  /** Whether a client may sign SMART assertions with this key. */
  readonly usable: boolean;
  /** What makes the set fail. */
  readonly problems: string[];
  /** Why a harmless key is not used (an encryption key, another algorithm). */
  readonly notes: string[];
}

export interface KeySetReport {
  readonly verdict: 'pass' | 'fail';
  readonly documentProblems: string[];
  readonly keys: KeyReport[];
}

type Jwk = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Decodes base64url without padding; null when it is not base64url. */
function base64urlBytes(value: unknown): Uint8Array | null {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value) || value.length % 4 === 1) return null;
  const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Bit length of a big-endian unsigned integer. */
function bitLength(bytes: Uint8Array): number {
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  const first = bytes[start];
  if (first === undefined) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(first));
}

function impliedAlgorithm(key: Jwk): string | null {
  const declared = text(key.alg);
  if (declared) return declared;
  if (key.kty === 'RSA') return 'RS384';
  if (key.kty === 'EC' && key.crv === 'P-384') return 'ES384';
  return null;
}

function isSigningKey(key: Jwk): string | undefined {
  if (key.use !== undefined && key.use !== 'sig') return `use is "${String(key.use)}", not "sig"`;
  if (key.key_ops !== undefined && !(Array.isArray(key.key_ops) && key.key_ops.includes('verify'))) {
    return 'key_ops does not include "verify"';
  }
  return undefined;
}

function checkRsa(key: Jwk, bits: number | null, problems: string[]): void {
  if (bits === null) problems.push('n (the RSA modulus) is missing or not base64url');
  if (!base64urlBytes(key.e)) problems.push('e (the RSA exponent) is missing or not base64url');
  if (bits !== null && bits < MIN_RSA_BITS)
    problems.push(`RSA key has ${bits} bits; RS384 needs at least ${MIN_RSA_BITS}`);
}

function checkEc(key: Jwk, problems: string[]): void {
  if (key.crv !== 'P-384') {
    problems.push(`curve ${String(key.crv ?? 'none')} does not match ES384, which needs P-384`);
    return;
  }
  for (const coordinate of ['x', 'y'] as const) {
    const bytes = base64urlBytes(key[coordinate]);
    if (!bytes || bytes.length !== P384_COORDINATE_BYTES) {
      problems.push(`${coordinate} must be a ${P384_COORDINATE_BYTES}-byte base64url coordinate for P-384`);
    }
  }
}

function checkKey(key: unknown, index: number): KeyReport {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) {
    return {
      index,
      kid: null,
      kty: null,
      alg: null,
      use: null,
      bits: null,
      curve: null,
      usable: false,
      problems: ['is not a JSON object'],
      notes: [],
    };
  }
  const jwk = key as Jwk;
  const problems: string[] = [];
  const notes: string[] = [];
  const kty = text(jwk.kty);
  const alg = impliedAlgorithm(jwk);
  const privateMembers = PRIVATE_MEMBERS.filter((member) => member in jwk);
  if (privateMembers.length > 0) {
    problems.push(`contains private key material (${privateMembers.join(', ')}): publish only the public key`);
  }
  if (kty === 'oct' || 'k' in jwk) problems.push('is a symmetric (oct) key; a JWKS URI must publish public keys only');
  if (!text(jwk.kid)) problems.push('has no kid; every key needs a unique kid');

  const modulus = kty === 'RSA' ? base64urlBytes(jwk.n) : null;
  const bits = modulus ? bitLength(modulus) : null;
  const notSigning = isSigningKey(jwk);
  if (notSigning) notes.push(`not a signing key (${notSigning})`);
  else if (alg === 'RS384') {
    if (kty === 'RSA') checkRsa(jwk, bits, problems);
    else problems.push(`alg RS384 needs kty RSA, not ${kty ?? 'none'}`);
  } else if (alg === 'ES384') {
    if (kty === 'EC') checkEc(jwk, problems);
    else problems.push(`alg ES384 needs kty EC, not ${kty ?? 'none'}`);
  } else if (kty !== 'oct') {
    notes.push(`${alg ?? kty ?? 'this key type'} is not used: SMART Backend Services clients sign with RS384 or ES384`);
  }
  return {
    index,
    kid: text(jwk.kid),
    kty,
    alg,
    use: text(jwk.use),
    bits,
    curve: text(jwk.crv),
    usable: problems.length === 0 && notes.length === 0,
    problems,
    notes,
  };
}

/** Checks a parsed JWKS document (whatever JSON it turned out to be). */
export function checkKeySet(document: unknown): KeySetReport {
  const documentProblems: string[] = [];
  const rawKeys =
    document !== null && typeof document === 'object' && !Array.isArray(document)
      ? (document as { keys?: unknown }).keys
      : undefined;
  if (!Array.isArray(rawKeys)) {
    documentProblems.push('is not a JWK Set: it has no "keys" array');
    return { verdict: 'fail', documentProblems, keys: [] };
  }
  if (rawKeys.length === 0) documentProblems.push('has no keys');
  const keys = rawKeys.map(checkKey);
  const counts = new Map<string, number>();
  for (const key of keys) if (key.kid) counts.set(key.kid, (counts.get(key.kid) ?? 0) + 1);
  for (const [kid, count] of counts) {
    if (count > 1) documentProblems.push(`kid "${kid}" is used by ${count} keys; every kid must be unique`);
  }
  if (keys.length > 0 && !keys.some((key) => key.usable)) {
    documentProblems.push(
      'has no usable signing key (an RSA key of at least 2048 bits for RS384, or a P-384 key for ES384)',
    );
  }
  const failed = documentProblems.length > 0 || keys.some((key) => key.problems.length > 0);
  return { verdict: failed ? 'fail' : 'pass', documentProblems, keys };
}

/** The report for a body that is not JSON at all. */
export function notJsonReport(): KeySetReport {
  return { verdict: 'fail', documentProblems: ['is not JSON'], keys: [] };
}
