import t from 'tap';
import { generateKeyringSpec, open, parseKeyring, SecretBoxError, seal } from '../src/index.ts';

t.test('seals and opens a secret bound to its context', async (t) => {
  const keyring = parseKeyring(generateKeyringSpec('k1'));
  const sealed = seal(keyring, 'pbx_cs_secret', 'service-1');
  t.equal(sealed.keyId, 'k1');
  t.notOk(sealed.ciphertext.includes(Buffer.from('pbx_cs_secret')));
  t.equal(open(keyring, sealed, 'service-1'), 'pbx_cs_secret');
  t.not(seal(keyring, 'pbx_cs_secret', 'service-1').ciphertext.toString('hex'), sealed.ciphertext.toString('hex'));
});

t.test('refuses a ciphertext moved to another context or tampered with', async (t) => {
  const keyring = parseKeyring(generateKeyringSpec('k1'));
  const sealed = seal(keyring, 'secret', 'service-1');
  t.throws(() => open(keyring, sealed, 'service-2'), SecretBoxError);
  const tampered = Buffer.from(sealed.ciphertext);
  tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
  t.throws(() => open(keyring, { keyId: 'k1', ciphertext: tampered }, 'service-1'), SecretBoxError);
  t.throws(() => open(keyring, { keyId: 'k1', ciphertext: Buffer.alloc(5) }, 'service-1'), /truncated/);
});

t.test('rotates keys: the first key encrypts, older keys still decrypt', async (t) => {
  const oldSpec = generateKeyringSpec('old');
  const before = seal(parseKeyring(oldSpec), 'secret', 'ctx');
  const rotated = parseKeyring(`${generateKeyringSpec('new')},${oldSpec}`);
  t.equal(open(rotated, before, 'ctx'), 'secret');
  t.equal(seal(rotated, 'secret', 'ctx').keyId, 'new');
  t.throws(() => open(parseKeyring(generateKeyringSpec('other')), before, 'ctx'), /key old is not configured/);
});

t.test('refuses malformed key specifications', async (t) => {
  t.throws(() => parseKeyring(''), /no key/);
  t.throws(() => parseKeyring('k1'), /<id>:<base64 key>/);
  t.throws(() => parseKeyring('k1:c2hvcnQ='), /32 bytes/);
  t.throws(() => parseKeyring('bad id:AAAA'), /<id>:<base64 key>/);
  const spec = generateKeyringSpec('dup');
  t.throws(() => parseKeyring(`${spec},${spec}`), /appears twice/);
});
