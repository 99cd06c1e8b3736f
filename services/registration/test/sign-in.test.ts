import { randomBytes } from 'node:crypto';
import { type DevAccount, startDevIdentityProvider } from '@payerbox/dev-identity-provider';
import { passLoginForm, UserAgent } from '@payerbox/dev-identity-provider/user-agent';
import { freePort } from '@payerbox/dev-stack/embedded-postgres';
import t, { type Test } from 'tap';
import { buildTestApp } from './helpers/app.ts';

const AUDIENCE = 'urn:payerbox:portal-api';

/** The registration API on a real loopback port with sign-in against a dev identity provider of its own. */
async function portalWithIdentityProvider(t: Test, env: Record<string, string> = {}) {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const id = randomBytes(4).toString('hex');
  const account = (name: string, roles: string[]): DevAccount => ({
    sub: `${name}-${id}`,
    email: `${name}-${id}@example.com`,
    name: `${name} ${id}`,
    password: randomBytes(12).toString('base64url'),
    roles,
  });
  const developer = account('developer', []);
  const admin = account('admin', ['admin']);
  const client = { clientId: `portal-${id}`, clientSecret: randomBytes(24).toString('base64url') };
  const idp = await startDevIdentityProvider({
    issuer: 'http://127.0.0.1',
    port: 0,
    accounts: [developer, admin],
    clients: [
      { ...client, redirectUris: [`${publicUrl}/api/auth/callback`], postLogoutRedirectUris: [`${publicUrl}/`] },
    ],
    accessTokenAudience: AUDIENCE,
  });
  t.teardown(() => idp.close());
  const app = await buildTestApp(t, {
    PORTAL_MODE: 'development',
    PUBLIC_URL: publicUrl,
    OIDC_ISSUER_URL: idp.issuer,
    OIDC_CLIENT_ID: client.clientId,
    OIDC_CLIENT_SECRET: client.clientSecret,
    OIDC_AUDIENCE: AUDIENCE,
    ...env,
  });
  await app.listen({ host: '127.0.0.1', port });
  return { app, publicUrl, idp, developer, admin };
}

type Portal = Awaited<ReturnType<typeof portalWithIdentityProvider>>;

/** Signs in through the login form like a person would; answers the agent (holding the session cookie) and where it landed. */
async function signIn(portal: Portal, account: DevAccount, query = 'app=developer&returnTo=/services') {
  const agent = new UserAgent();
  const callback = await passLoginForm(agent, `${portal.publicUrl}/api/auth/login?${query}`, portal.publicUrl, account);
  return { agent, callback };
}

/** Follows the callback into the portal; answers the response that sets the session. */
async function completeSignIn(agent: UserAgent, callback: URL) {
  return agent.request(callback);
}

async function csrfToken(portal: Portal, agent: UserAgent): Promise<string> {
  const response = await agent.request(`${portal.publicUrl}/api/auth/session`);
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

const SERVICE = { name: 'Signed in', authMethod: 'client_secret', scopeVersion: 'v2', scopes: ['system/Patient.rs'] };

t.test('signs a developer in through the identity provider and keeps a session', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const { agent, callback } = await signIn(portal, portal.developer);
  t.equal(callback.pathname, '/api/auth/callback');
  const landed = await completeSignIn(agent, callback);
  t.equal(landed.status, 302);
  t.equal(landed.headers.get('location'), '/services', 'back where the user started');
  const setCookie = landed.headers.getSetCookie().join('\n');
  t.match(setCookie, /pbx_session=/);
  t.match(setCookie, /HttpOnly/i);
  t.match(setCookie, /SameSite=Lax/i);
  const me = await agent.request(`${portal.publicUrl}/api/v1/me`);
  t.equal(me.status, 200);
  t.match(await me.json(), { email: portal.developer.email, name: portal.developer.name, role: 'developer' });
  const session = await agent.request(`${portal.publicUrl}/api/auth/session`);
  t.match(await session.json(), { user: { email: portal.developer.email }, csrfToken: /^[A-Za-z0-9_-]{43}$/ });
});

t.test('maps the configured roles claim to the admin role', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const admin = await signIn(portal, portal.admin, 'app=admin&returnTo=/admin/reviews');
  const landed = await completeSignIn(admin.agent, admin.callback);
  t.equal(landed.headers.get('location'), '/admin/reviews');
  t.match(await (await admin.agent.request(`${portal.publicUrl}/api/v1/me`)).json(), { role: 'admin' });
  const adminList = await admin.agent.request(`${portal.publicUrl}/api/v1/admin/backend-services`);
  t.equal(adminList.status, 200);
  const developer = await signIn(portal, portal.developer, 'app=admin');
  await completeSignIn(developer.agent, developer.callback);
  t.equal((await developer.agent.request(`${portal.publicUrl}/api/v1/admin/backend-services`)).status, 403);
});

t.test('refuses a tampered state, a replayed code and a wrong nonce', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const tampered = await signIn(portal, portal.developer);
  const forged = new URL(tampered.callback);
  forged.searchParams.set('state', 'forged-state');
  const refused = await tampered.agent.request(forged);
  t.equal(refused.status, 400);
  t.match(await refused.json(), { code: 'sign_in_failed' });

  const replay = await signIn(portal, portal.developer);
  t.equal((await completeSignIn(replay.agent, replay.callback)).status, 302);
  const again = await new UserAgent().request(replay.callback);
  t.equal(again.status, 400, 'a used state and code do not sign anyone in again');

  const nonce = await signIn(portal, portal.developer);
  await portal.app.db
    .updateTable('loginRequests')
    .set({ nonce: 'not-the-nonce-that-was-sent' })
    .where('state', '=', nonce.callback.searchParams.get('state') ?? '')
    .execute();
  const wrongNonce = await nonce.agent.request(nonce.callback);
  t.equal(wrongNonce.status, 400);
  t.equal(wrongNonce.headers.getSetCookie().length, 0, 'no session was started');
});

t.test('refuses returnTo values that would leave the portal', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  for (const returnTo of [
    'https://evil.example/',
    '//evil.example',
    '/\\evil.example',
    '/\t/evil.example',
    '/api/v1/me',
    '/admin/x',
  ]) {
    const response = await new UserAgent().request(
      `${portal.publicUrl}/api/auth/login?app=developer&returnTo=${encodeURIComponent(returnTo)}`,
    );
    t.equal(response.status, 400, returnTo);
  }
  const admin = await new UserAgent().request(`${portal.publicUrl}/api/auth/login?app=admin&returnTo=/services`);
  t.equal(admin.status, 400, 'the admin SPA returns only to its own pages');
});

t.test('requires the CSRF token and a portal Origin for changes made with the session cookie', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const { agent, callback } = await signIn(portal, portal.developer);
  await completeSignIn(agent, callback);
  const url = `${portal.publicUrl}/api/v1/backend-services`;
  const token = await csrfToken(portal, agent);
  const cases: [Record<string, string>, number][] = [
    [{ origin: portal.publicUrl }, 403],
    [{ origin: portal.publicUrl, 'x-csrf-token': 'wrong' }, 403],
    [{ origin: 'https://evil.example', 'x-csrf-token': token }, 403],
    [{ 'x-csrf-token': token }, 403],
    [{ referer: `${portal.publicUrl}/services/new`, 'x-csrf-token': token }, 201],
    [{ origin: portal.publicUrl, 'x-csrf-token': token }, 201],
  ];
  for (const [headers, status] of cases) {
    const response = await agent.request(url, { method: 'POST', json: SERVICE, headers });
    t.equal(response.status, status, JSON.stringify(headers));
    if (status === 403) t.match(await response.json(), { code: 'csrf_failed' });
    else await response.arrayBuffer();
  }
  t.equal((await agent.request(url)).status, 200, 'reading needs no CSRF token');
});

t.test('ends sessions that are too old or idle', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const expired = await signIn(portal, portal.developer);
  await completeSignIn(expired.agent, expired.callback);
  const idle = await signIn(portal, portal.developer);
  await completeSignIn(idle.agent, idle.callback);
  const sessions = await portal.app.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.userId')
    .select(['sessions.id'])
    .where('users.email', '=', portal.developer.email)
    .orderBy('sessions.createdAt')
    .execute();
  t.equal(sessions.length, 2, 'each sign-in starts its own session');
  await portal.app.db
    .updateTable('sessions')
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where('id', '=', sessions[0]?.id ?? '')
    .execute();
  await portal.app.db
    .updateTable('sessions')
    .set({ lastSeenAt: new Date(Date.now() - 31 * 60_000) })
    .where('id', '=', sessions[1]?.id ?? '')
    .execute();
  for (const { agent } of [expired, idle]) {
    const response = await agent.request(`${portal.publicUrl}/api/v1/me`);
    t.equal(response.status, 401);
    t.match(await response.json(), { code: 'session_expired' });
  }
});

t.test('signs out here and at the identity provider', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const { agent, callback } = await signIn(portal, portal.developer);
  await completeSignIn(agent, callback);
  const token = await csrfToken(portal, agent);
  const refused = await agent.request(`${portal.publicUrl}/api/auth/logout`, { method: 'POST' });
  t.equal(refused.status, 403, 'signing out needs the CSRF token too');
  const out = await agent.request(`${portal.publicUrl}/api/auth/logout`, {
    method: 'POST',
    headers: { origin: portal.publicUrl, 'x-csrf-token': token },
  });
  t.equal(out.status, 200);
  const { logoutUrl } = (await out.json()) as { logoutUrl: string };
  t.ok(logoutUrl.startsWith(portal.idp.issuer), 'RP-initiated logout at the issuer');
  t.match(new URL(logoutUrl).searchParams.get('id_token_hint'), /\S/);
  t.equal((await agent.request(`${portal.publicUrl}/api/v1/me`)).status, 401, 'the session is gone');
});

t.test('accepts access tokens of the issuer as Bearer for partner tooling', async (t) => {
  const portal = await portalWithIdentityProvider(t);
  const { agent, callback } = await signIn(portal, portal.developer, 'app=developer');
  await completeSignIn(agent, callback);
  const accessToken = await issuerAccessToken(portal, portal.developer);
  const me = await fetch(`${portal.publicUrl}/api/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  t.equal(me.status, 200);
  t.match(await me.json(), { email: portal.developer.email });
  const created = await fetch(`${portal.publicUrl}/api/v1/backend-services`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(SERVICE),
  });
  t.equal(created.status, 201, 'Bearer requests need no CSRF token');
  const forged = `${accessToken.slice(0, -4)}AAAA`;
  const refused = await fetch(`${portal.publicUrl}/api/v1/me`, { headers: { authorization: `Bearer ${forged}` } });
  t.equal(refused.status, 401);
});

/** An access token for a user, as partner tooling would get one from the issuer (code flow with `resource`). */
async function issuerAccessToken(portal: Portal, account: DevAccount): Promise<string> {
  const oidc = await import('openid-client');
  const client = portal.app.config.oidc;
  if (!client) throw new Error('no oidc');
  const redirectUri = `${portal.publicUrl}/api/auth/callback`;
  const config = await oidc.discovery(
    new URL(client.issuer),
    client.clientId,
    undefined,
    oidc.ClientSecretBasic(client.clientSecret),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    resource: AUDIENCE,
  });
  const callback = await passLoginForm(new UserAgent(), url, portal.publicUrl, account);
  const tokens = await oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
  return tokens.access_token;
}
