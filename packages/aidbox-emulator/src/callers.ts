/**
 * Who is calling Aidbox's REST API, by the `Authorization` header:
 *
 * - `root`: the superuser client Aidbox creates from `BOX_ROOT_CLIENT_SECRET` (the emulator's `adminClient`), over
 *   HTTP Basic; it passes every check without any AccessPolicy.
 * - a stored Client over HTTP Basic, which needs `"basic"` in its `grant_types`
 *   (`docs/access-control/authentication/basic-http-authentication.md`: "The Client resource must include `"basic"`
 *   in its `grant_types` array for Basic Auth to work") and must be active;
 * - a stored, active Client presenting an access token this emulator issued (Bearer, RFC 6750).
 *
 * A Client's requests are then decided by AccessPolicies (`admin-authorization.ts`); anything else is 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccessTokenClaims } from './access-tokens.ts';
import { isActiveClient, secretMatches } from './client-resource.ts';
import type { EmulatorContext } from './emulator-context.ts';
import { OutcomeError } from './operation-outcome.ts';
import type { StoredResource } from './resource-store.ts';

export type Caller =
  | { readonly kind: 'root' }
  | {
      readonly kind: 'client';
      readonly client: StoredResource;
      /** The access token's claims; absent for HTTP Basic. */
      readonly claims?: AccessTokenClaims;
    };

/** Authenticates a request to the REST API (root, a Basic client, or a bearer token), or throws a 401. */
export async function authenticateCaller(context: EmulatorContext, authorization: string | undefined): Promise<Caller> {
  if (/^Basic\s/i.test(authorization ?? '')) return authenticateBasic(context, authorization);
  if (!isBearer(authorization)) {
    throw unauthenticated('Authentication required: Basic credentials or a Bearer access token');
  }
  return authenticateBearer(context, authorization);
}

export function isBearer(authorization: string | undefined): authorization is string {
  return /^Bearer\s+\S+\s*$/i.test(authorization ?? '');
}

/** A Bearer access token this emulator issued, to a Client that still exists and is active; 401 otherwise. */
export async function authenticateBearer(
  context: EmulatorContext,
  authorization: string,
): Promise<Extract<Caller, { kind: 'client' }>> {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] ?? '';
  const claims = await context.signer.verify(token, context.baseUrl);
  const client = claims ? context.store.get('Client', claims.client_id) : undefined;
  if (!claims || !client || !isActiveClient(client.resource)) {
    throw new OutcomeError(401, 'security', 'The access token is not valid, has expired, or its client is inactive', {
      'www-authenticate': 'Bearer realm="aidbox", error="invalid_token"',
    });
  }
  return { kind: 'client', client, claims };
}

/** HTTP Basic (RFC 7617): root, or a stored active Client allowed the `basic` grant whose secret matches. */
export function authenticateBasic(context: EmulatorContext, authorization: string | undefined): Caller {
  const credentials = basicCredentials(authorization);
  if (!credentials) throw unauthenticated('Malformed Basic credentials');
  const { id, secret } = credentials;
  if (id === context.adminClient.id) {
    if (sameText(secret, context.adminClient.secret)) return { kind: 'root' };
    throw unauthenticated('Wrong Basic credentials');
  }
  const stored = context.store.get('Client', id);
  const grants = stored?.resource.grant_types;
  const basicAllowed = Array.isArray(grants) && grants.includes('basic');
  // The secret is compared even for an unknown client, so that the time taken does not tell which ids exist.
  const secretOk = secretMatches(stored?.secretSha256, secret);
  if (!stored || !secretOk || !basicAllowed || !isActiveClient(stored.resource)) {
    throw unauthenticated('Wrong Basic credentials, or the client may not use Basic authentication');
  }
  return { kind: 'client', client: stored };
}

function basicCredentials(authorization: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

function unauthenticated(diagnostics: string): OutcomeError {
  return new OutcomeError(401, 'security', diagnostics, { 'www-authenticate': 'Basic realm="aidbox"' });
}

/** Constant-time comparison of two strings (hashes first, so that lengths do not tell either). */
function sameText(a: string, b: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
