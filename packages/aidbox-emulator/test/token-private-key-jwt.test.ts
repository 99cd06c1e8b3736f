import type { JWK } from 'jose';
import t, { type Test } from 'tap';
import { DOCUMENTED_AIDBOX_ASSERTION_ALGORITHMS, type EmulatorOptions } from '../src/index.ts';
import {
  call,
  clientAssertion,
  type Harness,
  JWT_BEARER,
  type JwksServer,
  type SigningKey,
  serveJwks,
  signingKey,
  startEmulator,
  uniqueId,
} from './emulator-fixture.ts';

interface Setup {
  aidbox: Harness;
  jwks: JwksServer;
  clientId: string;
  tokenUrl: string;
  /** Exchanges an assertion for a token. */
  exchange(assertion: string): ReturnType<Harness['token']>;
}

/** An emulator with one asymmetric client whose key set (holding `keys`) is served from loopback. */
async function setup(
  t: Test,
  keys: SigningKey[],
  cacheControl = 'max-age=600',
  options: Partial<EmulatorOptions> = {},
): Promise<Setup> {
  const aidbox = await startEmulator(t, options);
  const jwks = await serveJwks(
    t,
    keys.map((key) => key.publicJwk),
    cacheControl,
  );
  const clientId = uniqueId('svc');
  await aidbox.putClient(clientId, {
    active: true,
    grant_types: ['client_credentials'],
    scope: ['system/*.rs'],
    jwks_uri: jwks.url,
    auth: { client_credentials: { token_format: 'jwt', client_assertion_types: [JWT_BEARER] } },
  });
  return {
    aidbox,
    jwks,
    clientId,
    tokenUrl: `${aidbox.url}/auth/token`,
    exchange: (assertion) =>
      aidbox.token({
        grant_type: 'client_credentials',
        client_assertion_type: JWT_BEARER,
        client_assertion: assertion,
        scope: 'system/*.rs',
      }),
  };
}

/** Payerbox documents 400 for invalid_client (docs/api-reference/authentication.md, "Common errors"). */
function refusedAsInvalidClient(t: Test, answer: { status: number; body: any }, because: RegExp): void {
  t.equal(answer.status, 400);
  t.same(Object.keys(answer.body).sort(), ['error', 'error_description']);
  t.equal(answer.body.error, 'invalid_client');
  t.match(answer.body.error_description, because);
}

t.test('issues a token for a good RS384 assertion', async (t) => {
  const key = await signingKey('RS384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  const answer = await exchange(await clientAssertion(key, clientId, tokenUrl));
  t.equal(answer.status, 200);
  t.match(answer.body, { token_type: 'Bearer', expires_in: 300, scope: 'system/*.rs', access_token: String });
});

t.test('issues a token for a good ES384 assertion', async (t) => {
  const key = await signingKey('ES384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  const answer = await exchange(await clientAssertion(key, clientId, tokenUrl));
  t.equal(answer.status, 200);
});

t.test('refuses an assertion addressed to another audience', async (t) => {
  const key = await signingKey('RS384');
  const { exchange, clientId } = await setup(t, [key]);
  const answer = await exchange(await clientAssertion(key, clientId, 'https://elsewhere.example.test/auth/token'));
  refusedAsInvalidClient(t, answer, /aud/);
});

t.test('refuses an assertion that expires more than five minutes ahead', async (t) => {
  const key = await signingKey('ES384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  const answer = await exchange(await clientAssertion(key, clientId, tokenUrl, { expiresIn: 600 }));
  refusedAsInvalidClient(t, answer, /5 minutes/);
});

t.test('refuses an expired assertion and one without exp', async (t) => {
  const key = await signingKey('RS384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  refusedAsInvalidClient(t, await exchange(await clientAssertion(key, clientId, tokenUrl, { expiresIn: -120 })), /exp/);
  const withoutExp = await clientAssertion(key, clientId, tokenUrl, { claims: { exp: undefined } });
  refusedAsInvalidClient(t, await exchange(withoutExp), /exp/);
});

t.test('accepts a jti once and refuses the replayed assertion', async (t) => {
  const key = await signingKey('RS384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  const assertion = await clientAssertion(key, clientId, tokenUrl);
  t.equal((await exchange(assertion)).status, 200);
  refusedAsInvalidClient(t, await exchange(assertion), /jti/);
  const sameJti = await clientAssertion(key, clientId, tokenUrl, { claims: { jti: 'fixed-jti' } });
  t.equal((await exchange(sameJti)).status, 200);
  const reusedJti = await clientAssertion(key, clientId, tokenUrl, { claims: { jti: 'fixed-jti' } });
  refusedAsInvalidClient(t, await exchange(reusedJti), /jti/);
});

t.test('keeps a key set for 5 minutes whatever its Cache-Control says', async (t) => {
  for (const cacheControl of ['public, max-age=600', 'no-store', 'max-age=0']) {
    const key = await signingKey('ES384');
    const { exchange, clientId, tokenUrl, jwks } = await setup(t, [key], cacheControl);
    for (let i = 0; i < 3; i++) t.equal((await exchange(await clientAssertion(key, clientId, tokenUrl))).status, 200);
    t.equal(jwks.fetches(), 1, cacheControl);
  }
});

t.test(
  'refuses a key published after its key set was fetched until the cached set is 5 minutes old, then accepts it',
  async (t) => {
    let now = Date.now();
    const firstKey = await signingKey('RS384');
    const { exchange, clientId, tokenUrl, jwks } = await setup(t, [firstKey], 'no-store', {
      jwksCache: { now: () => now },
    });
    t.equal((await exchange(await clientAssertion(firstKey, clientId, tokenUrl))).status, 200);
    t.equal(jwks.fetches(), 1);

    const newKey = await signingKey('RS384');
    jwks.setKeys([firstKey.publicJwk, newKey.publicJwk]);
    now += 5 * 60_000 - 1;
    refusedAsInvalidClient(t, await exchange(await clientAssertion(newKey, clientId, tokenUrl)), /kid.*cached/);
    t.equal(jwks.fetches(), 1, 'an unknown kid does not make it fetch the set again');

    now += 1;
    t.equal((await exchange(await clientAssertion(newKey, clientId, tokenUrl))).status, 200, 'picked up at 5 minutes');
    t.equal(jwks.fetches(), 2);
    t.equal((await exchange(await clientAssertion(firstKey, clientId, tokenUrl))).status, 200);
    t.equal(jwks.fetches(), 2, 'the set fetched again is cached in turn');
  },
);

t.test('keeps key sets for the configured time', async (t) => {
  let now = Date.now();
  const key = await signingKey('ES384');
  const { exchange, clientId, tokenUrl, jwks } = await setup(t, [key], undefined, {
    jwksCache: { ttlMs: 1_000, now: () => now },
  });
  t.equal((await exchange(await clientAssertion(key, clientId, tokenUrl))).status, 200);
  now += 999;
  t.equal((await exchange(await clientAssertion(key, clientId, tokenUrl))).status, 200);
  t.equal(jwks.fetches(), 1);
  now += 1;
  t.equal((await exchange(await clientAssertion(key, clientId, tokenUrl))).status, 200);
  t.equal(jwks.fetches(), 2);
});

t.test(
  'started as documented Aidbox, advertises and accepts RS384 only, refusing ES384 as invalid_client',
  async (t) => {
    const rsa = await signingKey('RS384');
    const ec = await signingKey('ES384');
    const { aidbox, exchange, clientId, tokenUrl } = await setup(t, [rsa, ec], undefined, {
      assertionAlgorithms: DOCUMENTED_AIDBOX_ASSERTION_ALGORITHMS,
    });
    const configuration = await call(`${aidbox.url}/.well-known/smart-configuration`);
    t.same(configuration.body.token_endpoint_auth_signing_alg_values_supported, ['RS384']);
    refusedAsInvalidClient(t, await exchange(await clientAssertion(ec, clientId, tokenUrl)), /alg.*RS384.*not ES384/);
    t.equal((await exchange(await clientAssertion(rsa, clientId, tokenUrl))).status, 200);
  },
);

t.test('accepts only ES384 when it advertises only ES384', async (t) => {
  const rsa = await signingKey('RS384');
  const ec = await signingKey('ES384');
  const { exchange, clientId, tokenUrl } = await setup(t, [rsa, ec], undefined, { assertionAlgorithms: ['ES384'] });
  refusedAsInvalidClient(t, await exchange(await clientAssertion(rsa, clientId, tokenUrl)), /alg/);
  t.equal((await exchange(await clientAssertion(ec, clientId, tokenUrl))).status, 200);
});

t.test('refuses an assertion whose jku is not the registered jwks_uri, and accepts one that is', async (t) => {
  const key = await signingKey('RS384');
  const { exchange, clientId, tokenUrl, jwks } = await setup(t, [key]);
  const foreign = await clientAssertion(key, clientId, tokenUrl, {
    header: { jku: 'https://attacker.example.test/jwks.json' },
  });
  refusedAsInvalidClient(t, await exchange(foreign), /jku/);
  const own = await clientAssertion(key, clientId, tokenUrl, { header: { jku: jwks.url } });
  t.equal((await exchange(own)).status, 200);
});

t.test('refuses an RS256 assertion even when its key is in the set', async (t) => {
  const key = await signingKey('RS256');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  refusedAsInvalidClient(t, await exchange(await clientAssertion(key, clientId, tokenUrl)), /alg/);
});

t.test('refuses assertions without typ JWT or kid, and ones signed by another key under a known kid', async (t) => {
  const key = await signingKey('ES384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  const noTyp = await clientAssertion(key, clientId, tokenUrl, { header: { typ: undefined } });
  refusedAsInvalidClient(t, await exchange(noTyp), /typ/);
  const noKid = await clientAssertion(key, clientId, tokenUrl, { header: { kid: undefined } });
  refusedAsInvalidClient(t, await exchange(noKid), /kid/);
  const impostor = await signingKey('ES384', key.kid);
  refusedAsInvalidClient(t, await exchange(await clientAssertion(impostor, clientId, tokenUrl)), /signature/);
  const otherSub = await clientAssertion(key, clientId, tokenUrl, { claims: { sub: 'someone-else' } });
  refusedAsInvalidClient(t, await exchange(otherSub), /sub/);
});

t.test('gives no token to an inactive asymmetric client', async (t) => {
  const key = await signingKey('RS384');
  const { aidbox, exchange, clientId, tokenUrl } = await setup(t, [key]);
  await aidbox.admin(
    'PATCH',
    `/Client/${clientId}`,
    { active: false },
    { 'content-type': 'application/merge-patch+json' },
  );
  refusedAsInvalidClient(t, await exchange(await clientAssertion(key, clientId, tokenUrl)), /inactive/);
});

t.test('refuses an assertion when the key set cannot be fetched or is not a key set', async (t) => {
  const key = await signingKey('RS384');
  const { aidbox, exchange, clientId, tokenUrl, jwks } = await setup(t, [key], 'no-store');
  const mergePatch = { 'content-type': 'application/merge-patch+json' };
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  await aidbox.admin('PATCH', `/Client/${clientId}`, { jwks_uri: 'http://127.0.0.1:1/jwks.json' }, mergePatch);
  refusedAsInvalidClient(t, await exchange(await clientAssertion(key, clientId, tokenUrl)), /could not be read/);
  await aidbox.admin('PATCH', `/Client/${clientId}`, { jwks_uri: jwks.url }, mergePatch);
  jwks.setKeys([{ kty: 'RSA', kid: key.kid, n: 'not-base64url!', e: 'AQAB' }] as JWK[]);
  refusedAsInvalidClient(t, await exchange(await clientAssertion(key, clientId, tokenUrl)), /client_assertion|key set/);
});

t.test('requires the assertion type to be jwt-bearer', async (t) => {
  const key = await signingKey('RS384');
  const { aidbox, clientId, tokenUrl } = await setup(t, [key]);
  const answer = await aidbox.token({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:example:other',
    client_assertion: await clientAssertion(key, clientId, tokenUrl),
  });
  t.equal(answer.status, 400);
  t.equal(answer.body.error, 'invalid_request');
});
