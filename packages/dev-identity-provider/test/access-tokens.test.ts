import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import t from 'tap';
import { startDevIdentityProvider } from '../src/index.ts';
import { UserAgent } from '../src/user-agent.ts';
import { AUDIENCE, authorizationRequest, PORTAL, signIn, startTestProvider } from './helpers/sign-in.ts';

/** What the portal does with a Bearer token: verify it against the provider's jwks_uri, issuer and audience. */
async function verifyAsThePortal(config: oidc.Configuration, token: string) {
  const { issuer, jwks_uri } = config.serverMetadata();
  const jwks = createRemoteJWKSet(new URL(jwks_uri ?? ''));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer, audience: AUDIENCE });
  return { payload, protectedHeader };
}

t.test('issues a JWT access token for the audience to a user who asked for it as the resource', async (t) => {
  const { developer, client, config } = await startTestProvider(t);
  const { tokens } = await signIn(config, developer, { resource: AUDIENCE });
  const { payload, protectedHeader } = await verifyAsThePortal(config, tokens.access_token);
  t.equal(protectedHeader.typ, 'at+jwt', 'an RFC 9068 access token');
  t.match(payload, {
    sub: developer.sub,
    aud: AUDIENCE,
    client_id: client.clientId,
    email: developer.email,
    roles: [],
  });
  t.match(tokens.claims(), { sub: developer.sub, email: developer.email }, 'the ID token is unchanged');
});

t.test('carries the admin role in the access token of the admin', async (t) => {
  const { admin, config } = await startTestProvider(t);
  const { tokens } = await signIn(config, admin, { resource: AUDIENCE });
  const { payload } = await verifyAsThePortal(config, tokens.access_token);
  t.match(payload, { sub: admin.sub, email: admin.email, roles: ['admin'] });
});

t.test('issues an opaque access token for the userinfo endpoint when no resource is asked for', async (t) => {
  const { developer, config } = await startTestProvider(t);
  const { tokens } = await signIn(config, developer);
  t.throws(() => decodeProtectedHeader(tokens.access_token), 'not a JWT');
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, developer.sub);
  t.match(userinfo, { sub: developer.sub, email: developer.email, name: 'Dana Developer', roles: [] });
});

t.test('issues a JWT access token for the audience to a client with client credentials', async (t) => {
  const { client, config } = await startTestProvider(t);
  const implicit = await oidc.clientCredentialsGrant(config);
  const { payload } = await verifyAsThePortal(config, implicit.access_token);
  t.match(payload, { sub: client.clientId, client_id: client.clientId, aud: AUDIENCE });
  t.notOk('roles' in payload, 'a client has no roles');

  const explicit = await oidc.clientCredentialsGrant(config, { resource: AUDIENCE });
  t.match((await verifyAsThePortal(config, explicit.access_token)).payload, { sub: client.clientId });
});

t.test('refuses a resource other than the configured audience', async (t) => {
  const { config } = await startTestProvider(t);
  const { url } = await authorizationRequest(config, { resource: 'http://localhost:4000/other-api' });
  const { url: callback } = await new UserAgent().navigate(url, PORTAL);
  t.equal(callback.searchParams.get('error'), 'invalid_target');
  t.notOk(callback.searchParams.get('code'));

  await t.rejects(oidc.clientCredentialsGrant(config, { resource: 'http://localhost:4000/other-api' }), {
    name: 'ResponseBodyError',
    error: 'invalid_target',
  });
});

t.test('offers no client credentials grant and no JWT access tokens without an audience', async (t) => {
  const { developer, config } = await startTestProvider(t, { accessTokenAudience: null });
  await t.rejects(oidc.clientCredentialsGrant(config), { name: 'ResponseBodyError', error: 'unsupported_grant_type' });
  const { url } = await authorizationRequest(config, { resource: AUDIENCE });
  const { url: callback } = await new UserAgent().navigate(url, PORTAL);
  t.equal(callback.searchParams.get('error'), 'invalid_target');
  t.ok((await signIn(config, developer)).tokens.claims(), 'signing in still works');
});

t.test('refuses an audience that is not an absolute URI', async (t) => {
  await t.rejects(
    startDevIdentityProvider({
      issuer: 'http://127.0.0.1',
      port: 0,
      accounts: [],
      clients: [],
      accessTokenAudience: 'backend-services-portal',
    }),
    { name: 'TypeError', message: /accessTokenAudience must be an absolute URI/ },
  );
});
