// The oidc-provider configuration of the development identity provider. Every choice below mirrors what the portal
// expects from its production identity provider (Keycloak, see infra/keycloak): confidential clients, the
// authorization code flow with PKCE S256 only, roles in a top-level claim, RP-initiated logout.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AccessToken, ClientCredentials, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { errors } from 'oidc-provider';
import { createMemoryAdapter } from './memory-adapter.ts';
import type { DevAccount, DevIdentityProviderOptions } from './options.ts';
import { errorPage, logoutPage, PAGE_SECURITY_HEADERS, signedOutPage } from './pages.ts';

export interface ConfigurationInput {
  accounts: readonly DevAccount[];
  clients: DevIdentityProviderOptions['clients'];
  rolesClaim: string;
  accessTokenAudience: string | undefined;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

/** A fresh RSA signing key per start: tokens from an earlier run must not verify, and nothing secret is stored. */
function generateSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(8).toString('base64url'), alg: 'RS256', use: 'sig' };
}

function setPageHeaders(ctx: KoaContextWithOIDC): void {
  for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) ctx.set(name, value);
  ctx.type = 'html';
}

export function buildConfiguration({
  accounts,
  clients,
  rolesClaim,
  accessTokenAudience,
}: ConfigurationInput): Configuration {
  const accountsBySub = new Map(accounts.map((account) => [account.sub, account]));

  return {
    adapter: createMemoryAdapter(),
    jwks: { keys: [generateSigningKey()] },
    // Cookies are signed with keys that live as long as the process; sessions end with it, as they should here.
    // `lax` for the long-lived session cookie too: oidc-provider 8 defaults it to `none`, which browsers drop on
    // plain http and which then needs its `.legacy` fallback cookie.
    cookies: {
      keys: [randomBytes(32).toString('base64url')],
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    clients: clients.map((client) => ({
      client_id: client.clientId,
      client_secret: client.clientSecret,
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      response_types: ['code'],
      grant_types:
        accessTokenAudience === undefined ? ['authorization_code'] : ['authorization_code', 'client_credentials'],
      // oidc-provider accepts client_secret_post for a client registered with client_secret_basic and vice versa.
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    // The code flow only: no implicit or hybrid response types, and none advertised.
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    // Only origins the client redirects to may call the provider's endpoints from a browser.
    clientBasedCORS: (_ctx, origin, client) =>
      (client.redirectUris ?? []).some((uri) => URL.canParse(uri) && new URL(uri).origin === origin),
    async findAccount(_ctx, sub) {
      const account = accountsBySub.get(sub);
      if (account === undefined) return undefined;
      return {
        accountId: account.sub,
        claims: () => ({
          sub: account.sub,
          email: account.email,
          email_verified: true,
          name: account.name,
          [rolesClaim]: [...account.roles],
        }),
      };
    },
    // Roles ride on the `openid` scope, so every sign-in carries them whatever else the client asks for (the Keycloak
    // realm's mapper puts them in every token too).
    claims: {
      openid: ['sub', rolesClaim],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    scopes: ['openid', 'email', 'profile'],
    // OIDC Core §5.4 puts scope-requested claims only in the UserInfo response when an access token is issued; the
    // portal reads them from the ID token, as Keycloak delivers them, so they go there as well.
    conformIdTokenClaims: false,
    async extraTokenClaims(_ctx, token: AccessToken | ClientCredentials) {
      const account = 'accountId' in token ? accountsBySub.get(token.accountId) : undefined;
      if (account === undefined) return undefined;
      return { email: account.email, [rolesClaim]: [...account.roles] };
    },
    pkce: { methods: ['S256'], required: () => true },
    issueRefreshToken: async () => false,
    ttl: {
      AccessToken: HOUR,
      AuthorizationCode: MINUTE,
      ClientCredentials: 10 * MINUTE,
      IdToken: HOUR,
      Interaction: HOUR,
      Session: 24 * HOUR,
      Grant: 24 * HOUR,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: accessTokenAudience !== undefined },
      // RFC 8707: `resource=<accessTokenAudience>` in the authorization request (or the token request) turns the
      // access token into a JWT for that audience; client credentials get it without asking.
      resourceIndicators: {
        enabled: true,
        // @types/oidc-provider leaves out `undefined`, the documented "no default resource" answer.
        defaultResource: (async (ctx: KoaContextWithOIDC, _client: unknown, oneOf?: string[]) => {
          if (oneOf !== undefined) return oneOf;
          const clientCredentials = ctx.oidc.route === 'token' && ctx.oidc.params?.grant_type === 'client_credentials';
          return clientCredentials ? accessTokenAudience : undefined;
        }) as (ctx: KoaContextWithOIDC, client: unknown, oneOf?: string[]) => Promise<string | string[]>,
        async getResourceServerInfo(_ctx, resourceIndicator) {
          if (accessTokenAudience === undefined || resourceIndicator !== accessTokenAudience) {
            throw new errors.InvalidTarget();
          }
          return {
            // The portal authorizes by roles, not by scopes: the tokens carry none.
            scope: '',
            audience: accessTokenAudience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: HOUR,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
        // A resource granted at the authorization endpoint is used at the token endpoint without repeating it.
        useGrantedResource: async () => true,
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          setPageHeaders(ctx);
          ctx.body = logoutPage(form, ctx.host);
        },
        async postLogoutSuccessSource(ctx) {
          setPageHeaders(ctx);
          ctx.body = signedOutPage(ctx.oidc.client?.clientId);
        },
      },
    },
    async renderError(ctx, out) {
      setPageHeaders(ctx);
      ctx.body = errorPage(
        'Sign-in failed',
        [out.error, out.error_description].filter((part) => typeof part === 'string').join(': '),
      );
    },
  };
}
