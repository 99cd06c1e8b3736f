/**
 * Access tokens: JWTs signed with a key pair generated when the emulator starts (so no two emulators, and no two
 * runs, accept each other's tokens), published at `/.well-known/jwks.json`.
 */
import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';

const ALG = 'ES256';

/**
 * Claims of an access token the emulator issues. `atv: 2` and `scope` only in the tokens of a Client of
 * `type: smart-app`: "Aidbox adds `atv` and `scope` to the tokens it issues for a Client of `type: smart-app`", and
 * without `atv: 2` "Aidbox never reads the `scope` claim [...] the request is decided by Access Policies alone"
 * (aidbox-docs `docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md` § Access Token;
 * the `bulk-api-client` token of `.../smart-client-authorization/smart-backend-services.md` carries neither).
 */
export interface AccessTokenClaims extends JWTPayload {
  readonly iss: string;
  readonly sub: string;
  readonly client_id: string;
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly scope?: string;
  readonly atv?: 2;
}

export interface TokenRequest {
  readonly issuer: string;
  readonly clientId: string;
  readonly lifetimeSeconds: number;
  /** The scopes to enforce (space-separated), for a smart-app client only: the token then carries `atv: 2`. */
  readonly enforcedScope?: string | undefined;
}

export interface TokenSigner {
  /** The public key set, for `/.well-known/jwks.json`. */
  readonly jwks: { readonly keys: readonly JWK[] };
  issue(request: TokenRequest): Promise<string>;
  /** The claims of a token this signer issued for `issuer`, or undefined when it is not valid (now). */
  verify(token: string, issuer: string): Promise<AccessTokenClaims | undefined>;
}

export async function createTokenSigner(): Promise<TokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair(ALG, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = { keys: [{ ...publicJwk, kid, alg: ALG, use: 'sig' }] };
  return {
    jwks,
    async issue({ issuer, clientId, lifetimeSeconds, enforcedScope }) {
      const now = Math.floor(Date.now() / 1000);
      const smart = enforcedScope === undefined ? {} : { scope: enforcedScope, atv: 2 };
      return new SignJWT({ client_id: clientId, ...smart })
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(clientId)
        .setAudience(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetimeSeconds)
        .setJti(randomUUID())
        .sign(privateKey);
    },
    async verify(token, issuer) {
      try {
        const { payload } = await jwtVerify(token, publicKey, {
          algorithms: [ALG],
          issuer,
          audience: issuer,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        });
        if (typeof payload.client_id !== 'string') return undefined;
        // Only this signer's tokens get here, and it writes `atv` and `scope` together or not at all.
        if (payload.atv !== undefined && (payload.atv !== 2 || typeof payload.scope !== 'string')) return undefined;
        return payload as AccessTokenClaims;
      } catch {
        return undefined;
      }
    },
  };
}
