import * as oidc from 'openid-client';
import t from 'tap';
import { UserAgent } from '../src/user-agent.ts';
import {
  authorizationRequest,
  openLoginPage,
  PORTAL,
  REDIRECT_URI,
  relyingParty,
  signIn,
  startTestProvider,
} from './helpers/sign-in.ts';

t.test(
  'advertises the code flow with PKCE S256, secret client authentication and the end-session endpoint',
  async (t) => {
    const { provider } = await startTestProvider(t);
    t.match(provider.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    t.equal(response.status, 200);
    const discovery = (await response.json()) as Record<string, unknown>;
    t.equal(discovery.issuer, provider.issuer);
    t.same(discovery.code_challenge_methods_supported, ['S256']);
    t.same(discovery.response_types_supported, ['code']);
    t.same(discovery.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
    t.equal(discovery.end_session_endpoint, `${provider.issuer}/session/end`);
    t.equal(discovery.jwks_uri, `${provider.issuer}/jwks`);
    t.same(discovery.scopes_supported, ['openid', 'email', 'profile']);
    for (const claim of ['sub', 'email', 'name', 'roles']) {
      t.ok((discovery.claims_supported as string[]).includes(claim), `claim ${claim} is supported`);
    }
  },
);

t.test('signs a developer in through the login form and issues an ID token without roles', async (t) => {
  const { developer, client, config } = await startTestProvider(t);
  const { tokens } = await signIn(config, developer);
  const claims = tokens.claims();
  t.match(claims, {
    iss: config.serverMetadata().issuer,
    aud: client.clientId,
    sub: developer.sub,
    email: developer.email,
    email_verified: true,
    name: 'Dana Developer',
    roles: [],
  });
  t.equal(tokens.refresh_token, undefined, 'no refresh token is issued');
});

t.test('puts the admin role in the ID token of the admin', async (t) => {
  const { admin, config } = await startTestProvider(t);
  const { tokens } = await signIn(config, admin);
  t.match(tokens.claims(), { sub: admin.sub, email: admin.email, name: 'Avery Admin', roles: ['admin'] });
});

t.test('carries the roles in the claim named by rolesClaim', async (t) => {
  const { admin, config } = await startTestProvider(t, { rolesClaim: 'https://payerbox.example/roles' });
  const claims = (await signIn(config, admin)).tokens.claims();
  t.same(claims?.['https://payerbox.example/roles'], ['admin']);
  t.notOk(claims && 'roles' in claims);
});

t.test('accepts the e-mail address in any letter case', async (t) => {
  const { developer, config } = await startTestProvider(t);
  const { tokens } = await signIn(config, { ...developer, email: developer.email.toUpperCase() });
  t.equal(tokens.claims()?.sub, developer.sub);
});

t.test('shows the form again with an error and issues no code when the password is wrong', async (t) => {
  const { developer, config } = await startTestProvider(t);
  const agent = new UserAgent();
  const { url } = await authorizationRequest(config);
  const { action } = await openLoginPage(agent, url);
  const retry = await agent.request(action, { form: { email: developer.email, password: 'not-the-password' } });
  t.equal(retry.status, 200);
  t.equal(retry.headers.get('location'), null, 'no redirect, so no code');
  const html = await retry.text();
  t.match(html, /<p id="login-error"[^>]*role="alert"[^>]*>The e-mail address or password is not correct\.<\/p>/);
  t.match(html, /<form method="post" action="[^"]+" aria-describedby="login-error">/);
  t.match(html, new RegExp(`<input id="email"[^>]*aria-invalid="true"[^>]*value="${developer.email}"`));
  t.notMatch(html, /not-the-password/, 'the wrong password is not echoed');

  const { url: callback } = await agent.navigate(action, PORTAL, {
    form: { email: developer.email, password: developer.password },
  });
  t.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI, 'the right password still works afterwards');
  t.ok(callback.searchParams.get('code'));
});

t.test('refuses an unknown e-mail address with the same message', async (t) => {
  const { config } = await startTestProvider(t);
  const agent = new UserAgent();
  const { action } = await openLoginPage(agent, (await authorizationRequest(config)).url);
  const retry = await agent.request(action, { form: { email: 'nobody@example.com', password: 'whatever' } });
  t.equal(retry.status, 200);
  t.match(await retry.text(), /The e-mail address or password is not correct\./);
});

t.test('refuses an authorization request without PKCE', async (t) => {
  const { config } = await startTestProvider(t);
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    state: oidc.randomState(),
  });
  const { url: callback } = await new UserAgent().navigate(url, PORTAL);
  t.equal(callback.searchParams.get('error'), 'invalid_request');
  t.match(callback.searchParams.get('error_description'), /requires PKCE/);
  t.notOk(callback.searchParams.get('code'));
});

t.test('refuses the plain PKCE method', async (t) => {
  const { config } = await startTestProvider(t);
  const { url } = await authorizationRequest(config, { code_challenge_method: 'plain' });
  const { url: callback } = await new UserAgent().navigate(url, PORTAL);
  t.equal(callback.searchParams.get('error'), 'invalid_request');
  t.notOk(callback.searchParams.get('code'));
});

t.test('accepts the client secret in the request body as well as in the Authorization header', async (t) => {
  const { developer, provider, client } = await startTestProvider(t);
  const config = await relyingParty(provider.issuer, client, oidc.ClientSecretPost(client.clientSecret));
  const { tokens } = await signIn(config, developer);
  t.equal(tokens.claims()?.email, developer.email);
});

t.test('refuses a wrong client secret at the token endpoint', async (t) => {
  const { developer, provider, client, config } = await startTestProvider(t);
  const impostor = await relyingParty(provider.issuer, { ...client, clientSecret: 'wrong' });
  const agent = new UserAgent();
  const { url, checks } = await authorizationRequest(config);
  const { action } = await openLoginPage(agent, url);
  const { url: callback } = await agent.navigate(action, PORTAL, {
    form: { email: developer.email, password: developer.password },
  });
  // 401 with a Basic challenge carrying error="invalid_client" (RFC 6749 §5.2).
  const failure = await oidc.authorizationCodeGrant(impostor, callback, checks).catch((error: unknown) => error);
  t.match(failure, { status: 401, cause: [{ scheme: 'basic', parameters: { error: 'invalid_client' } }] });
});

t.test('signs a person in again without the form while the provider session lasts', async (t) => {
  const { developer, config } = await startTestProvider(t);
  const { agent } = await signIn(config, developer);
  const { url, checks } = await authorizationRequest(config);
  const { url: callback } = await agent.navigate(url, PORTAL);
  const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
  t.equal(tokens.claims()?.sub, developer.sub);
});
