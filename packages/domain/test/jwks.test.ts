import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { type AdvertisedAlgorithms, checkKeySet as checkAgainst } from '../src/index.ts';

/** Both environments advertising RS384 and ES384 (Payerbox's SMART configuration). */
const BOTH: AdvertisedAlgorithms = { sandbox: ['RS384', 'ES384'], production: ['RS384', 'ES384'] };
/** A Payerbox-like sandbox and a production Aidbox as documented (RS384 only). */
const RS384_PRODUCTION: AdvertisedAlgorithms = { sandbox: ['RS384', 'ES384'], production: ['RS384'] };
const checkKeySet = (document: unknown) => checkAgainst(document, BOTH);

type Jwk = Record<string, unknown>;

function rsa(bits: number, extra: Jwk = {}): { publicJwk: Jwk; privateJwk: Jwk } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid: `rsa-${bits}`, alg: 'RS384', ...extra },
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid: `rsa-${bits}-private`, alg: 'RS384' },
  };
}

function ec(curve: 'P-256' | 'P-384', extra: Jwk = {}): Jwk {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return { ...publicKey.export({ format: 'jwk' }), kid: `ec-${curve}`, ...extra };
}

const rsa2048 = rsa(2048).publicJwk;
const p384 = ec('P-384', { alg: 'ES384' });

t.test('passes a set with an RS384 key of 2048 bits and an ES384 P-384 key', async (t) => {
  const report = checkKeySet({ keys: [rsa2048, p384] });
  t.equal(report.verdict, 'pass');
  t.same(report.documentProblems, []);
  t.match(report.keys[0], { kid: 'rsa-2048', kty: 'RSA', alg: 'RS384', bits: 2048, usable: true, problems: [] });
  t.match(report.keys[1], { kid: 'ec-P-384', kty: 'EC', alg: 'ES384', curve: 'P-384', usable: true });
  t.same(report.keys[1]?.usableIn, { sandbox: true, production: true });
});

t.test('infers the algorithm of keys without alg', async (t) => {
  const { alg: _rsaAlg, ...rsaNoAlg } = rsa2048;
  const { alg: _ecAlg, ...ecNoAlg } = p384;
  const report = checkKeySet({ keys: [rsaNoAlg, ecNoAlg] });
  t.equal(report.verdict, 'pass');
  t.same(
    report.keys.map((k) => k.alg),
    ['RS384', 'ES384'],
  );
});

t.test('accepts keys that carry both use and key_ops, or ext', async (t) => {
  const report = checkKeySet({ keys: [{ ...rsa2048, use: 'sig', key_ops: ['verify'], ext: true }] });
  t.equal(report.verdict, 'pass');
});

t.test('refuses private key material', async (t) => {
  const report = checkKeySet({ keys: [rsa2048, rsa(2048).privateJwk] });
  t.equal(report.verdict, 'fail');
  t.match(report.keys[1]?.problems[0], /private key material \(d, p, q, dp, dq, qi\)/);
  const oth = checkKeySet({ keys: [{ ...rsa2048, oth: [] }] });
  t.match(oth.keys[0]?.problems[0], /private key material \(oth\)/);
});

t.test('leads its findings with a published private key, saying it is compromised and what to do', async (t) => {
  const { kid: _kid, ...noKid } = rsa2048;
  const report = checkKeySet({ keys: [noKid, { ...rsa(2048).privateJwk, kid: 'leaked' }, p384] });
  t.same(
    report.findings.map((finding) => finding.code),
    ['private_key_published', 'key_problem'],
    'the private key first, the missing kid after it',
  );
  t.match(
    report.findings[0]?.message,
    /^This key set publishes a private key: the key "leaked" includes its private part/,
  );
  t.match(report.findings[0]?.message, /Treat it as compromised: make a new key pair, publish only its public key/);
  t.match(report.findings[1]?.message, /^Key 1 of the set: has no kid; every key needs a unique kid\.$/);
  t.same(checkKeySet({ keys: [rsa2048] }).findings, [], 'a passing set has none');
});

t.test('refuses symmetric keys', async (t) => {
  const report = checkKeySet({ keys: [rsa2048, { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' }] });
  t.equal(report.verdict, 'fail');
  t.match(report.keys[1]?.problems, [/symmetric/]);
});

t.test('refuses keys without kid and repeated kids', async (t) => {
  const { kid: _kid, ...noKid } = rsa2048;
  t.match(checkKeySet({ keys: [noKid] }).keys[0]?.problems, [/has no kid/]);
  const duplicate = checkKeySet({ keys: [rsa2048, { ...p384, kid: 'rsa-2048' }] });
  t.equal(duplicate.verdict, 'fail');
  t.match(duplicate.documentProblems, [/kid "rsa-2048" is used by 2 keys/]);
});

t.test('refuses RSA keys under 2048 bits for RS384', async (t) => {
  const report = checkKeySet({ keys: [rsa(1024).publicJwk] });
  t.equal(report.verdict, 'fail');
  t.match(report.keys[0], { bits: 1024, usable: false });
  t.match(report.keys[0]?.problems, [/1024 bits; RS384 needs at least 2048/]);
});

t.test('refuses ES384 on a curve other than P-384, and alg and kty that disagree', async (t) => {
  t.match(checkKeySet({ keys: [ec('P-256', { alg: 'ES384' })] }).keys[0]?.problems, [
    /curve P-256 does not match ES384/,
  ]);
  t.match(checkKeySet({ keys: [{ ...rsa2048, alg: 'ES384' }] }).keys[0]?.problems, [/ES384 needs kty EC, not RSA/]);
  t.match(checkKeySet({ keys: [{ ...p384, alg: 'RS384' }] }).keys[0]?.problems, [/RS384 needs kty RSA, not EC/]);
  t.match(checkKeySet({ keys: [{ ...p384, x: 'AAAA' }] }).keys[0]?.problems, [/x must be a 48-byte/]);
  t.match(checkKeySet({ keys: [{ ...rsa2048, n: 'not base64!' }] }).keys[0]?.problems, [/n \(the RSA modulus\)/]);
});

t.test('ignores keys it cannot use but fails a set with no usable signing key', async (t) => {
  const withExtras = checkKeySet({ keys: [rsa2048, ec('P-256', { alg: 'ES256' }), { ...p384, use: 'enc', kid: 'e' }] });
  t.equal(withExtras.verdict, 'pass');
  t.match(withExtras.keys[1]?.notes, [/RS384 or ES384/]);
  t.match(withExtras.keys[2]?.notes, [/not a signing key/]);
  const none = checkKeySet({ keys: [ec('P-256', { alg: 'ES256' })] });
  t.equal(none.verdict, 'fail');
  t.match(none.documentProblems, [/no usable signing key/]);
});

t.test('fails documents that are not a key set', async (t) => {
  for (const document of [null, 42, 'keys', [], {}, { keys: {} }]) {
    const report = checkKeySet(document);
    t.equal(report.verdict, 'fail');
    t.match(report.documentProblems, [/no "keys" array/]);
  }
  t.match(checkKeySet({ keys: [] }).documentProblems, [/has no keys/]);
  t.match(checkKeySet({ keys: [42] }).keys[0]?.problems, [/not a JSON object/]);
});

t.test('judges each key per environment by the algorithms that environment advertises', async (t) => {
  const report = checkAgainst({ keys: [rsa2048, p384] }, RS384_PRODUCTION);
  t.equal(report.verdict, 'pass', 'production has the RSA key');
  t.same(report.documentProblems, []);
  t.match(report.keys[0], { usable: true, usableIn: { sandbox: true, production: true }, notes: [] });
  t.match(report.keys[1], {
    usable: true,
    usableIn: { sandbox: true, production: false },
    problems: [],
    notes: ['production advertises only RS384: this ES384 key cannot be used there'],
  });
});

t.test('fails a set that one environment can use no key of, and says which key to add', async (t) => {
  const report = checkAgainst({ keys: [p384] }, RS384_PRODUCTION);
  t.equal(report.verdict, 'fail');
  t.same(report.documentProblems, [
    'has no key that production can use (production advertises only RS384): add an RSA key of at least 2048 bits for RS384',
  ]);
  t.match(report.keys[0], { usable: true, usableIn: { sandbox: true, production: false }, problems: [] });
});

t.test('groups environments that advertise the same algorithms in one finding', async (t) => {
  const rs384Everywhere: AdvertisedAlgorithms = { sandbox: ['RS384'], production: ['RS384'] };
  const report = checkAgainst({ keys: [p384] }, rs384Everywhere);
  t.equal(report.verdict, 'fail');
  t.match(report.keys[0], { usable: false, usableIn: { sandbox: false, production: false } });
  t.same(report.keys[0]?.notes, ['sandbox and production advertise only RS384: this ES384 key cannot be used there']);
  t.same(report.documentProblems, [
    'has no key that sandbox and production can use (sandbox and production advertise only RS384): add an RSA key of ' +
      'at least 2048 bits for RS384',
  ]);
});

t.test('names no key to add for an environment that advertises nothing usable', async (t) => {
  const report = checkAgainst({ keys: [rsa2048] }, { sandbox: ['RS384'], production: ['PS256'] });
  t.equal(report.verdict, 'fail');
  t.same(report.documentProblems, ['has no key that production can use (production advertises only PS256)']);
});

t.test('keeps the general finding for a set with no signing key at all, whatever is advertised', async (t) => {
  const report = checkAgainst({ keys: [ec('P-256', { alg: 'ES256' })] }, RS384_PRODUCTION);
  t.same(report.documentProblems, [
    'has no usable signing key (an RSA key of at least 2048 bits for RS384, or a P-384 key for ES384)',
  ]);
  t.same(report.keys[0]?.usableIn, { sandbox: false, production: false });
});
