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

/** Claims of an access token the emulator issues, as Aidbox does for SMART clients (`atv: 2` marks scope checks). */
export interface AccessTokenClaims extends JWTPayload {
  readonly iss: string;
  readonly sub: string;
  readonly client_id: string;
  readonly aud: string;
  readonly exp: number;
  readonly iat: number;
  readonly jti: string;
  readonly scope: string;
  readonly atv: 2;
}

export interface TokenSigner {
  /** The public key set, for `/.well-known/jwks.json`. */
  readonly jwks: { readonly keys: readonly JWK[] };
  issue(input: { issuer: string; clientId: string; scope: string; lifetimeSeconds: number }): Promise<string>;
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
    async issue({ issuer, clientId, scope, lifetimeSeconds }) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ client_id: clientId, scope, atv: 2 })
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
        if (typeof payload.client_id !== 'string' || typeof payload.scope !== 'string' || payload.atv !== 2) {
          return undefined;
        }
        return payload as AccessTokenClaims;
      } catch {
        return undefined;
      }
    },
  };
}
