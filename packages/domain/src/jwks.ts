/**
 * Rules for the public key set of a SMART Backend Services client (SMART App Launch 2.2, "Client Authentication:
 * Asymmetric"): clients sign assertions with RS384 or ES384, each key with a unique `kid`, and nothing private.
 *
 * Which of the two an environment accepts is what its `/.well-known/smart-configuration` advertises in
 * `token_endpoint_auth_signing_alg_values_supported`: documented Aidbox advertises RS384 only
 * (`HealthSamurai/aidbox-docs`, the private_key_jwt page: `alg` "Fixed value - `RS384`"), Payerbox RS384 and ES384
 * (`HealthSamurai/payerbox-docs` `docs/api-reference/authentication.md`). So every key is judged per environment, and
 * a set passes only when every environment has a key it accepts: a service's one key set serves both its sandbox
 * client (drafts) and its production client (once approved), and a set that only the sandbox accepts would pass review
 * and then fail at the first production token request.
 */
import { ENVIRONMENTS, type Environment } from './lifecycle.ts';

export const SMART_SIGNING_ALGORITHMS = ['RS384', 'ES384'] as const;
export type SigningAlgorithm = (typeof SMART_SIGNING_ALGORITHMS)[number];

/** What documented Aidbox advertises: the fail-safe assumption for an environment whose configuration is unknown. */
export const DOCUMENTED_AIDBOX_SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['RS384'];

/** The assertion algorithms each environment advertises (`token_endpoint_auth_signing_alg_values_supported`). */
export type AdvertisedAlgorithms = Readonly<Record<Environment, readonly string[]>>;

/** The key that a set lacking any usable one should add, per algorithm. */
const KEY_TO_ADD: Record<SigningAlgorithm, string> = {
  RS384: 'an RSA key of at least 2048 bits for RS384',
  ES384: 'a P-384 EC key for ES384',
};

const MIN_RSA_BITS = 2048;
const P384_COORDINATE_BYTES = 48;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;
const PRIVATE_MATERIAL = 'contains private key material';
const SYMMETRIC_KEY = 'is a symmetric (oct) key';

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
  /** Whether a client may sign SMART assertions with this key in at least one environment. */
  readonly usable: boolean;
  /** Whether each environment accepts assertions signed with this key (it advertises the key's algorithm). */
  readonly usableIn: Readonly<Record<Environment, boolean>>;
  /** What makes the set fail. */
  readonly problems: string[];
  /** Why a harmless key is not used, or not in some environment (an encryption key, another algorithm). */
  readonly notes: string[];
}

/**
 * What a key set's findings are about, worst first: a published private or secret key (anyone can sign as the
 * service), a document that is no key set at all, a problem of the set as a whole, a problem of one key.
 */
export const KEY_SET_FINDING_CODES = [
  'private_key_published',
  'secret_key_published',
  'not_json',
  'not_a_key_set',
  'key_set_problem',
  'key_problem',
] as const;
export type KeySetFindingCode = (typeof KEY_SET_FINDING_CODES)[number];

/** One problem of a key set as a sentence a person reads, with a code that stays the same for programs. */
export interface Finding<Code extends string = KeySetFindingCode> {
  readonly code: Code;
  readonly message: string;
}

export interface KeySetReport {
  readonly verdict: 'pass' | 'fail';
  readonly documentProblems: string[];
  readonly keys: KeyReport[];
  /** Every problem above as a sentence, the worst first (empty when the set passes). */
  readonly findings: Finding[];
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

const nowhere = (): Record<Environment, boolean> => ({ sandbox: false, production: false });

function isSmartAlgorithm(alg: string | null): alg is SigningAlgorithm {
  return (SMART_SIGNING_ALGORITHMS as readonly (string | null)[]).includes(alg);
}

/** "production advertises only RS384", "sandbox and production advertise only RS384". */
function advertisingOnly(environments: readonly Environment[], advertised: AdvertisedAlgorithms): string {
  const first = environments[0] ?? 'production';
  const list = advertised[first].length > 0 ? `only ${advertised[first].join(', ')}` : 'no algorithm';
  return `${environments.join(' and ')} ${environments.length > 1 ? 'advertise' : 'advertises'} ${list}`;
}

/** The environments among `environments` grouped by the list they advertise, in ENVIRONMENTS order. */
function groupByAdvertised(environments: readonly Environment[], advertised: AdvertisedAlgorithms): Environment[][] {
  const groups = new Map<string, Environment[]>();
  for (const environment of environments) {
    const key = advertised[environment].join(',');
    groups.set(key, [...(groups.get(key) ?? []), environment]);
  }
  return [...groups.values()];
}

interface CheckedKey {
  readonly report: KeyReport;
  /** A well-formed RS384 or ES384 signing key, whichever environments take it. */
  readonly signing: boolean;
}

function checkKey(key: unknown, index: number, advertised: AdvertisedAlgorithms): CheckedKey {
  if (key === null || typeof key !== 'object' || Array.isArray(key)) {
    const report: KeyReport = {
      index,
      kid: null,
      kty: null,
      alg: null,
      use: null,
      bits: null,
      curve: null,
      usable: false,
      usableIn: nowhere(),
      problems: ['is not a JSON object'],
      notes: [],
    };
    return { report, signing: false };
  }
  const jwk = key as Jwk;
  const problems: string[] = [];
  const notes: string[] = [];
  const kty = text(jwk.kty);
  const alg = impliedAlgorithm(jwk);
  const privateMembers = PRIVATE_MEMBERS.filter((member) => member in jwk);
  if (privateMembers.length > 0) {
    problems.push(`${PRIVATE_MATERIAL} (${privateMembers.join(', ')}): publish only the public key`);
  }
  if (kty === 'oct' || 'k' in jwk) problems.push(`${SYMMETRIC_KEY}; a JWKS URI must publish public keys only`);
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
  // A well-formed SMART signing key; whether an environment takes it depends on what that environment advertises.
  const signing = problems.length === 0 && notes.length === 0 && isSmartAlgorithm(alg);
  const usableIn = nowhere();
  for (const environment of ENVIRONMENTS) {
    usableIn[environment] = signing && advertised[environment].includes(alg as string);
  }
  const refusing = ENVIRONMENTS.filter((environment) => signing && !usableIn[environment]);
  for (const environments of groupByAdvertised(refusing, advertised)) {
    notes.push(`${advertisingOnly(environments, advertised)}: this ${alg} key cannot be used there`);
  }
  const report: KeyReport = {
    index,
    kid: text(jwk.kid),
    kty,
    alg,
    use: text(jwk.use),
    bits,
    curve: text(jwk.crv),
    usable: ENVIRONMENTS.some((environment) => usableIn[environment]),
    usableIn,
    problems,
    notes,
  };
  return { report, signing };
}

/** How a sentence names a key: by its kid, else by its place in the set. */
function keyName(key: KeyReport): string {
  return key.kid ? `the key "${key.kid}"` : `key ${key.index + 1} of the set`;
}

const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/**
 * The report's problems as sentences, worst first: a key published with its private part (or a shared secret) means
 * anyone who read the set can sign as the service, so it leads, saying what to do; then the set's problems, then
 * each key's other problems.
 */
function findingsOf(documentProblems: readonly string[], keys: readonly KeyReport[], raw: readonly unknown[]) {
  const compromised: Finding[] = [];
  const rest: Finding[] = [];
  for (const key of keys) {
    const jwk = raw[key.index];
    const members = jwk !== null && typeof jwk === 'object' ? PRIVATE_MEMBERS.filter((member) => member in jwk) : [];
    if (members.length > 0) {
      compromised.push({
        code: 'private_key_published',
        message:
          `This key set publishes a private key: ${keyName(key)} includes its ` +
          `private part (${members.join(', ')}). Treat it as compromised: make a new key pair, publish only its ` +
          'public key, and stop using the old one.',
      });
    } else if (key.kty === 'oct' || (jwk !== null && typeof jwk === 'object' && 'k' in jwk)) {
      compromised.push({
        code: 'secret_key_published',
        message:
          `This key set publishes a secret key: ${keyName(key)} is a symmetric ` +
          '(oct) key anyone can read. Treat it as compromised, remove it, and publish only public keys.',
      });
    }
  }
  for (const problem of documentProblems)
    rest.push({ code: 'key_set_problem', message: sentence(`the key set ${problem}`) });
  for (const key of keys) {
    for (const problem of key.problems) {
      // Said above, with what to do.
      if (problem.startsWith(PRIVATE_MATERIAL) || problem.startsWith(SYMMETRIC_KEY)) continue;
      rest.push({ code: 'key_problem', message: sentence(`${keyName(key)}: ${problem}`) });
    }
  }
  return [...compromised, ...rest];
}

/**
 * Checks a parsed JWKS document (whatever JSON it turned out to be) against what each environment advertises. It
 * fails when a key is broken or unsafe, or when some environment has no key it accepts.
 */
export function checkKeySet(document: unknown, advertised: AdvertisedAlgorithms): KeySetReport {
  const documentProblems: string[] = [];
  const rawKeys =
    document !== null && typeof document === 'object' && !Array.isArray(document)
      ? (document as { keys?: unknown }).keys
      : undefined;
  if (!Array.isArray(rawKeys)) {
    documentProblems.push('is not a JWK Set: it has no "keys" array');
    const message = 'What the URL serves is JSON but not a JWK Set: it has no "keys" array.';
    return { verdict: 'fail', documentProblems, keys: [], findings: [{ code: 'not_a_key_set', message }] };
  }
  if (rawKeys.length === 0) documentProblems.push('has no keys');
  const checked = rawKeys.map((key, index) => checkKey(key, index, advertised));
  const keys = checked.map((key) => key.report);
  const counts = new Map<string, number>();
  for (const key of keys) if (key.kid) counts.set(key.kid, (counts.get(key.kid) ?? 0) + 1);
  for (const [kid, count] of counts) {
    if (count > 1) documentProblems.push(`kid "${kid}" is used by ${count} keys; every kid must be unique`);
  }
  const signing = checked.some((key) => key.signing);
  if (keys.length > 0 && !signing) {
    documentProblems.push(
      'has no usable signing key (an RSA key of at least 2048 bits for RS384, or a P-384 key for ES384)',
    );
  } else if (signing) {
    const unserved = ENVIRONMENTS.filter((environment) => !keys.some((key) => key.usableIn[environment]));
    for (const environments of groupByAdvertised(unserved, advertised)) {
      const wanted = advertised[environments[0] ?? 'production'].filter(isSmartAlgorithm);
      const add = wanted.length > 0 ? `: add ${wanted.map((alg) => KEY_TO_ADD[alg]).join(', or ')}` : '';
      documentProblems.push(
        `has no key that ${environments.join(' and ')} can use (${advertisingOnly(environments, advertised)})${add}`,
      );
    }
  }
  const failed = documentProblems.length > 0 || keys.some((key) => key.problems.length > 0);
  return {
    verdict: failed ? 'fail' : 'pass',
    documentProblems,
    keys,
    findings: findingsOf(documentProblems, keys, rawKeys),
  };
}

/** The report for a body that is not JSON at all. */
export function notJsonReport(): KeySetReport {
  const message = 'What the URL serves is not JSON, so it cannot be a key set: check that the URL names the key set.';
  return { verdict: 'fail', documentProblems: ['is not JSON'], keys: [], findings: [{ code: 'not_json', message }] };
}
