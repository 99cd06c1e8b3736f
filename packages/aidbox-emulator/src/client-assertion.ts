/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, SMART App Launch 2.2 "Backend Services" §"Request
 * an access token"), with the rules Aidbox documents in
 * `docs/.../smart-client-authentication/smart-asymmetric-docs-private-key-jwt-authentication.md`:
 * header `alg` one of the algorithms this emulator advertises (below), `typ: JWT` and a `kid`; `iss` = `sub` = the
 * client id; `aud` = the token URL; `exp` no more than five minutes ahead; a `jti` never seen before (stricter than
 * the docs, which only name the claim's purpose); `jku`, when present, equal to the registered `jwks_uri`.
 *
 * Algorithms: Aidbox's page fixes `alg` to RS384 and its SMART configuration example advertises only RS384
 * (`HealthSamurai/aidbox-docs` `docs/solutions/providers-or-onc-health-it-certification-program/
 * g-10-standardized-api-for-patient-and-population-services/README.md`); Payerbox documents RS384 or ES384
 * (`HealthSamurai/payerbox-docs` `docs/api-reference/authentication.md`). The emulator accepts exactly what its
 * `/.well-known/smart-configuration` advertises in `token_endpoint_auth_signing_alg_values_supported`: both by
 * default, RS384 alone when started as documented Aidbox.
 */
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  type JWTVerifyResult,
  jwtVerify,
} from 'jose';
import { clientCredentialsSettings, isActiveClient, JWT_BEARER_ASSERTION_TYPE } from './client-resource.ts';
import { JwksCache, type JwksCacheOptions, JwksFetchError } from './jwks-cache.ts';
import type { StoredResource } from './resource-store.ts';

/** Every algorithm the emulator can verify assertions with (SMART App Launch 2.2 asymmetric client authentication). */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;
export type AssertionAlgorithm = (typeof ASSERTION_ALGORITHMS)[number];
/** What documented Aidbox advertises and accepts. */
export const DOCUMENTED_AIDBOX_ASSERTION_ALGORITHMS: readonly AssertionAlgorithm[] = ['RS384'];
const MAX_LIFETIME_SECONDS = 5 * 60;

/** Why an assertion does not authenticate its client; the message becomes the `error_description`. */
export class AssertionRejected extends Error {
  override name = 'AssertionRejected';
}

export interface AssertionVerifierOptions {
  /** The algorithms accepted (and advertised); a non-empty subset of {@link ASSERTION_ALGORITHMS}. */
  readonly algorithms: readonly AssertionAlgorithm[];
  readonly jwksCache?: JwksCacheOptions;
}

export class ClientAssertionVerifier {
  /** The accepted algorithms, in the order the SMART configuration lists them. */
  readonly algorithms: readonly AssertionAlgorithm[];
  readonly #keySets: JwksCache;
  /** `client id \n jti` -> the assertion's `exp`, kept until then so a replay within the lifetime is caught. */
  readonly #seenJtis = new Map<string, number>();

  constructor(options: AssertionVerifierOptions) {
    this.algorithms = Object.freeze([...options.algorithms]);
    this.#keySets = new JwksCache(options.jwksCache);
  }

  /**
   * Verifies an assertion and returns the client it authenticates. `findClient` looks a client up by id;
   * `tokenUrl` is the audience the assertion must name.
   */
  async verify(
    assertion: string,
    tokenUrl: string,
    findClient: (id: string) => StoredResource | undefined,
  ): Promise<StoredResource> {
    const { alg, typ, kid, jku, issuer } = readUnverified(assertion);
    if (!(this.algorithms as readonly string[]).includes(alg)) {
      // The same refusal, invalid_client, as for any assertion that does not hold (RFC 7521 §4.2.1).
      throw new AssertionRejected(
        `client_assertion alg must be one this server advertises (${this.algorithms.join(', ')}), not ${alg}`,
      );
    }
    if (typ !== 'JWT') throw new AssertionRejected('client_assertion header typ must be "JWT"');
    if (!kid) throw new AssertionRejected('client_assertion header must name its key in kid');
    const stored = findClient(issuer);
    if (!stored || !isActiveClient(stored.resource)) throw new AssertionRejected('unknown or inactive client');
    const jwksUri = stored.resource.jwks_uri;
    if (typeof jwksUri !== 'string') throw new AssertionRejected('the client has no jwks_uri registered');
    const assertionTypes = clientCredentialsSettings(stored.resource).client_assertion_types;
    if (!Array.isArray(assertionTypes) || !assertionTypes.includes(JWT_BEARER_ASSERTION_TYPE)) {
      throw new AssertionRejected('the client is not registered for jwt-bearer client assertions');
    }
    if (jku !== undefined && jku !== jwksUri) {
      throw new AssertionRejected('client_assertion header jku does not match the registered jwks_uri');
    }
    const { payload } = await this.#verifySignature(assertion, jwksUri, issuer, tokenUrl, kid);
    const now = Math.floor(Date.now() / 1000);
    const exp = payload.exp as number;
    if (exp - now > MAX_LIFETIME_SECONDS) {
      throw new AssertionRejected('client_assertion exp must be no more than 5 minutes in the future');
    }
    this.#useJti(issuer, payload, now);
    return stored;
  }

  async #verifySignature(
    assertion: string,
    jwksUri: string,
    clientId: string,
    tokenUrl: string,
    kid: string,
  ): Promise<JWTVerifyResult> {
    const options = {
      algorithms: [...this.algorithms],
      typ: 'JWT',
      issuer: clientId,
      subject: clientId,
      audience: tokenUrl,
      requiredClaims: ['exp', 'jti'],
    };
    try {
      // No second fetch for an unknown kid: the cached set stands until it expires (see jwks-cache.ts).
      return await jwtVerify(assertion, createLocalJWKSet(await this.#keySets.get(jwksUri)), options);
    } catch (error) {
      throw new AssertionRejected(explain(error, kid, tokenUrl), { cause: error });
    }
  }

  #useJti(clientId: string, payload: JWTPayload, now: number): void {
    for (const [key, exp] of this.#seenJtis) if (exp < now) this.#seenJtis.delete(key);
    if (typeof payload.jti !== 'string' || payload.jti === '') {
      throw new AssertionRejected('client_assertion must carry a jti');
    }
    const key = `${clientId}\n${payload.jti}`;
    if (this.#seenJtis.has(key)) throw new AssertionRejected('client_assertion jti has been used before');
    this.#seenJtis.set(key, payload.exp as number);
  }
}

function readUnverified(assertion: string): {
  alg: string;
  typ?: unknown;
  kid?: string;
  jku?: unknown;
  issuer: string;
} {
  try {
    const header = decodeProtectedHeader(assertion);
    const claims = decodeJwt(assertion);
    if (typeof claims.iss !== 'string' || claims.iss === '') {
      throw new AssertionRejected('client_assertion must name the client in iss');
    }
    return {
      alg: String(header.alg),
      typ: header.typ,
      ...(typeof header.kid === 'string' && header.kid !== '' ? { kid: header.kid } : {}),
      jku: header.jku,
      issuer: claims.iss,
    };
  } catch (error) {
    if (error instanceof AssertionRejected) throw error;
    throw new AssertionRejected('client_assertion is not a signed JWT', { cause: error });
  }
}

function explain(error: unknown, kid: string, tokenUrl: string): string {
  if (error instanceof JwksFetchError) return `the client's key set could not be read: ${error.message}`;
  if (error instanceof errors.JWKSNoMatchingKey) {
    return (
      `the client's key set has no usable key with kid "${kid}" (key sets are cached, 5 minutes by default: ` +
      'a key published after the last fetch is not seen before the cached set expires)'
    );
  }
  if (error instanceof errors.JWKSInvalid) return "the client's key set is not a valid JWK set";
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'client_assertion signature is not valid';
  if (error instanceof errors.JWTExpired) return 'client_assertion has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `client_assertion aud must be the token URL ${tokenUrl}`;
    if (error.claim === 'iss' || error.claim === 'sub')
      return 'client_assertion iss and sub must both be the client id';
    return `client_assertion ${error.claim} claim is not valid: ${error.reason}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'client_assertion alg is not allowed';
  if (error instanceof errors.JOSEError) return `client_assertion is not valid: ${error.message}`;
  return 'client_assertion could not be verified';
}
