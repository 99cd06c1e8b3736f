import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import * as client from 'openid-client';
import type { OidcSettings } from '../../config.ts';
import { ProblemError } from '../../errors.ts';

/** Algorithms accepted on access tokens sent as Bearer (asymmetric only: `none` and HMAC are never accepted). */
const ACCESS_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

export interface AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface VerifiedLogin {
  readonly claims: JWTPayload & { email?: unknown; name?: unknown; email_verified?: unknown };
  readonly idToken: string;
}

/** The relying party: authorization code flow with PKCE against the configured issuer, and Bearer token checks. */
export interface OidcRelyingParty {
  readonly settings: OidcSettings;
  authorizationRequest(redirectUri: string): Promise<AuthorizationRequest>;
  /** Exchanges the code of `callbackUrl`, checking state, nonce, PKCE, issuer, audience and the ID token signature. */
  completeLogin(
    callbackUrl: URL,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<VerifiedLogin>;
  /** The issuer's end-session URL (RP-initiated logout), when it has one. */
  logoutUrl(idToken: string | null, postLogoutRedirectUri: string): Promise<string | undefined>;
  /** Verifies an access token of the issuer: signature (issuer's JWKS), iss, aud, exp and algorithm. */
  verifyAccessToken(token: string): Promise<JWTPayload>;
}

function unavailable(cause: unknown): ProblemError {
  return new ProblemError({
    status: 503,
    code: 'identity_provider_unavailable',
    title: 'Sign-in is unavailable',
    detail: 'The identity provider did not answer; try again in a moment.',
    cause,
  });
}

/**
 * Creates the relying party. Discovery runs on first use and is cached; a failed discovery is retried on the next
 * request instead of keeping the service from starting.
 */
export function createRelyingParty(settings: OidcSettings, options: { allowHttp: boolean }): OidcRelyingParty {
  let discovered: Promise<client.Configuration> | undefined;
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= client
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        client.ClientSecretBasic(settings.clientSecret),
        // Plain-http issuers only in development mode (the dev identity provider on loopback).
        options.allowHttp ? { execute: [client.allowInsecureRequests], timeout: 5 } : { timeout: 5 },
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw unavailable(error);
      });
    return discovered;
  }

  return {
    settings,
    async authorizationRequest(redirectUri) {
      const config = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, state, nonce, codeVerifier };
    },
    async completeLogin(callbackUrl, expected) {
      const config = await configuration();
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims || !tokens.id_token) throw new Error('the token response has no ID token');
      return { claims, idToken: tokens.id_token };
    },
    async logoutUrl(idToken, postLogoutRedirectUri) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return client
        .buildEndSessionUrl(config, {
          post_logout_redirect_uri: postLogoutRedirectUri,
          client_id: settings.clientId,
          ...(idToken && { id_token_hint: idToken }),
        })
        .toString();
    },
    async verifyAccessToken(token) {
      const config = await configuration();
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the issuer publishes no jwks_uri');
      jwks ??= createRemoteJWKSet(new URL(jwksUri));
      const { payload } = await jwtVerify(token, jwks, {
        issuer: config.serverMetadata().issuer,
        audience: settings.audience,
        algorithms: ACCESS_TOKEN_ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
      });
      return payload;
    },
  };
}

/** Reads the roles claim (a dotted path; a list or a single value) and decides the portal role. */
export function roleFromClaims(claims: Record<string, unknown>, settings: OidcSettings): 'admin' | 'developer' {
  let value: unknown = claims;
  for (const part of settings.rolesClaim.split('.')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  const roles = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return roles.includes(settings.adminRole) ? 'admin' : 'developer';
}
