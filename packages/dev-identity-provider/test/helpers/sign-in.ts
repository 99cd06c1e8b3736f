// Shared setup for the provider tests: a provider on a free loopback port with fresh accounts and a client, the
// relying party side played by openid-client, and the sign-in a person would do through the login form.
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Test } from 'tap';
import type { DevAccount, DevIdentityProviderOptions } from '../../src/index.ts';
import { startDevIdentityProvider } from '../../src/index.ts';
import { passLoginForm, readForm, UserAgent } from '../../src/user-agent.ts';

/** Nothing listens here: the user agent stops at redirects to this origin, as a browser would hand over to the portal. */
export const PORTAL = 'http://localhost:3000';
export const REDIRECT_URI = `${PORTAL}/api/auth/callback`;
export const POST_LOGOUT_REDIRECT_URI = `${PORTAL}/signed-out`;
export const AUDIENCE = `${PORTAL}/api`;

/** Options override the defaults below; `accessTokenAudience: null` starts a provider without an audience. */
export async function startTestProvider(
  t: Test,
  {
    accessTokenAudience = AUDIENCE,
    ...options
  }: Partial<Omit<DevIdentityProviderOptions, 'accessTokenAudience'>> & {
    accessTokenAudience?: string | null;
  } = {},
) {
  const id = randomBytes(4).toString('hex');
  const account = (name: string, displayName: string, roles: string[]): DevAccount => ({
    sub: `${name}-${id}`,
    email: `${name}-${id}@example.com`,
    name: displayName,
    password: randomBytes(12).toString('base64url'),
    roles,
  });
  const developer = account('developer', 'Dana Developer', []);
  const admin = account('admin', 'Avery Admin', ['admin']);
  const client = {
    clientId: `portal-${id}`,
    clientSecret: randomBytes(24).toString('base64url'),
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_REDIRECT_URI],
  };
  const provider = await startDevIdentityProvider({
    issuer: 'http://127.0.0.1',
    port: 0,
    accounts: [developer, admin],
    clients: [client],
    ...(accessTokenAudience === null ? {} : { accessTokenAudience }),
    ...options,
  });
  t.teardown(() => provider.close());
  const config = await relyingParty(provider.issuer, client);
  return { provider, developer, admin, client, config };
}

/** openid-client configured from discovery; plain http is allowed because the provider only listens on loopback. */
export function relyingParty(
  issuer: string,
  client: { clientId: string; clientSecret: string },
  auth: oidc.ClientAuth = oidc.ClientSecretBasic(client.clientSecret),
): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), client.clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
}

/** An authorization request as the portal builds it: PKCE S256, state and nonce, plus any extra parameters. */
export async function authorizationRequest(config: oidc.Configuration, parameters: Record<string, string> = {}) {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  const expectedState = oidc.randomState();
  const expectedNonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: expectedState,
    nonce: expectedNonce,
    ...parameters,
  });
  return { url, checks: { pkceCodeVerifier, expectedState, expectedNonce } };
}

/** Opens the authorization URL and returns the login page it leads to, with the form to submit. */
export async function openLoginPage(agent: UserAgent, url: URL) {
  const { url: pageUrl, response } = await agent.navigate(url, PORTAL);
  if (response === undefined) throw new Error(`expected the login page, was sent to ${pageUrl}`);
  const html = await response.text();
  return { pageUrl, response, html, action: readForm(html, pageUrl).action };
}

/**
 * The whole sign-in: authorization request, login form, redirect back to the portal, code exchange. Returns the token
 * response (ID token claims through `tokens.claims()`) and the user agent, which keeps the provider's session cookie.
 */
export async function signIn(
  config: oidc.Configuration,
  account: { email: string; password: string },
  parameters: Record<string, string> = {},
  agent = new UserAgent(),
) {
  const { url, checks } = await authorizationRequest(config, parameters);
  const callback = await passLoginForm(agent, url, PORTAL, account);
  const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
  return { tokens, agent };
}
