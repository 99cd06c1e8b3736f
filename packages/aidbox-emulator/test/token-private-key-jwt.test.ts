import type { JWK } from 'jose';
import t, { type Test } from 'tap';
import {
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
async function setup(t: Test, keys: SigningKey[], cacheControl = 'max-age=600'): Promise<Setup> {
  const aidbox = await startEmulator(t);
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

function refusedAsInvalidClient(t: Test, answer: { status: number; body: any }, because: RegExp): void {
  t.equal(answer.status, 401);
  t.equal(answer.body.error, 'invalid_client');
  t.match(answer.body.error_description, because);
}

t.test('issues a token for a good RS384 assertion', async (t) => {
  const key = await signingKey('RS384');
  const { exchange, clientId, tokenUrl } = await setup(t, [key]);
  const answer = await exchange(await clientAssertion(key, clientId, tokenUrl));
  t.equal(answer.status, 200);
  t.match(answer.body, { token_type: 'bearer', expires_in: 300, scope: 'system/*.rs', access_token: String });
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

t.test('caches the key set for its max-age', async (t) => {
  const key = await signingKey('ES384');
  const { exchange, clientId, tokenUrl, jwks } = await setup(t, [key], 'public, max-age=600');
  for (let i = 0; i < 3; i++) t.equal((await exchange(await clientAssertion(key, clientId, tokenUrl))).status, 200);
  t.equal(jwks.fetches(), 1);
});

t.test('fetches the key set again for every assertion when it says no-store', async (t) => {
  const key = await signingKey('ES384');
  const { exchange, clientId, tokenUrl, jwks } = await setup(t, [key], 'no-store');
  for (let i = 0; i < 2; i++) t.equal((await exchange(await clientAssertion(key, clientId, tokenUrl))).status, 200);
  t.equal(jwks.fetches(), 2);
});

t.test('refetches the key set once for an unknown kid, which picks up a rotated key', async (t) => {
  const oldKey = await signingKey('RS384');
  const { exchange, clientId, tokenUrl, jwks } = await setup(t, [oldKey]);
  t.equal((await exchange(await clientAssertion(oldKey, clientId, tokenUrl))).status, 200);
  t.equal(jwks.fetches(), 1);

  const stranger = await signingKey('RS384');
  refusedAsInvalidClient(t, await exchange(await clientAssertion(stranger, clientId, tokenUrl)), /kid/);
  t.equal(jwks.fetches(), 2, 'one refetch for the unknown kid, not more');

  const newKey = await signingKey('ES384');
  jwks.setKeys([oldKey.publicJwk, newKey.publicJwk]);
  t.equal((await exchange(await clientAssertion(newKey, clientId, tokenUrl))).status, 200, 'rotated key accepted');
  t.equal(jwks.fetches(), 3);
  t.equal((await exchange(await clientAssertion(newKey, clientId, tokenUrl))).status, 200);
  t.equal(jwks.fetches(), 3, 'the refreshed set is cached');
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
