/**
 * Aidbox `Client` (`docs/reference/system-resources-reference/core-module-resources.md` § Client): validation, and
 * the secret, which Aidbox (release 2410 and later) stores only as a SHA-256 hash
 * (`docs/tutorials/security-access-control-tutorials/overview.md`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { JsonObject } from './json-value.ts';
import { Problems } from './resource-validation.ts';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** `Client.grant_types` allowed values, from the reference table. */
const GRANT_TYPES = [
  'basic',
  'authorization_code',
  'code',
  'password',
  'client_credentials',
  'implicit',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:token-exchange',
] as const;

const CLIENT_ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'active',
  'secret',
  'grant_types',
  'auth',
  'scope',
  'jwks_uri',
  'jwks',
  'type',
  'name',
  'description',
  'first_party',
  'trusted',
  'allowed_origins',
  'allowedIssuers',
  'details',
  'smart',
  'scopes',
  'allowed-scopes',
  'fhir-base-url',
]);
const AUTH_ELEMENTS = new Set(['client_credentials', 'authorization_code', 'implicit', 'password', 'token_exchange']);
const CLIENT_CREDENTIALS_ELEMENTS = new Set([
  'token_format',
  'access_token_expiration',
  'refresh_token_expiration',
  'audience',
  'client_assertion_types',
  'refresh_token',
]);

/** Problems with a Client as written by PUT or produced by PATCH (the plaintext `secret` still in it). */
export function validateClient(client: JsonObject): Problems {
  const problems = new Problems();
  problems.unknownKeys(client, 'Client', CLIENT_ELEMENTS);
  problems.common(client, 'Client');
  problems.boolean(client, 'active', 'Client');
  if ('secret' in client && (typeof client.secret !== 'string' || client.secret === '')) {
    problems.add('Client.secret', 'must be a non-empty string');
  }
  problems.stringArray(client, 'grant_types', 'Client', GRANT_TYPES);
  problems.stringArray(client, 'scope', 'Client');
  if ('jwks_uri' in client && !isHttpUrl(client.jwks_uri)) problems.add('Client.jwks_uri', 'must be an http(s) URL');
  for (const key of ['type', 'name', 'description', 'fhir-base-url']) problems.string(client, key, 'Client');
  for (const key of ['first_party', 'trusted']) problems.boolean(client, key, 'Client');
  for (const key of ['allowed_origins', 'allowedIssuers']) problems.stringArray(client, key, 'Client');
  for (const key of ['details', 'smart']) problems.object(client, key, 'Client');
  for (const key of ['jwks', 'scopes', 'allowed-scopes']) problems.array(client, key, 'Client');
  const auth = problems.object(client, 'auth', 'Client');
  if (auth) {
    problems.unknownKeys(auth, 'Client.auth', AUTH_ELEMENTS);
    for (const grant of AUTH_ELEMENTS) problems.object(auth, grant, 'Client.auth');
    const credentials = problems.object(auth, 'client_credentials', 'Client.auth');
    if (credentials) validateClientCredentials(credentials, problems);
  }
  return problems;
}

function validateClientCredentials(credentials: JsonObject, problems: Problems): void {
  const path = 'Client.auth.client_credentials';
  problems.unknownKeys(credentials, path, CLIENT_CREDENTIALS_ELEMENTS);
  if ('token_format' in credentials && credentials.token_format !== 'jwt') {
    problems.add(`${path}.token_format`, 'must be "jwt"');
  }
  problems.positiveInteger(credentials, 'access_token_expiration', path);
  problems.positiveInteger(credentials, 'refresh_token_expiration', path);
  problems.stringArray(credentials, 'audience', path);
  problems.stringArray(credentials, 'client_assertion_types', path, [JWT_BEARER_ASSERTION_TYPE]);
  problems.boolean(credentials, 'refresh_token', path);
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string' || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'https:' || protocol === 'http:';
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Whether a presented secret matches the stored hash; compared in constant time. */
export function secretMatches(storedSha256: Buffer | undefined, presented: string): boolean {
  // Hash something even when the client has no secret, so that the time taken does not tell.
  const presentedHash = hashSecret(presented);
  const expected = storedSha256 ?? hashSecret(`\u0000no secret\u0000${presented}`);
  return timingSafeEqual(presentedHash, expected) && storedSha256 !== undefined;
}

/** The client's `auth.client_credentials`, or an empty object. */
export function clientCredentialsSettings(client: JsonObject): JsonObject {
  const auth = client.auth as JsonObject | undefined;
  return (auth?.client_credentials as JsonObject | undefined) ?? {};
}

/** Clients are active unless they say `active: false`: the portal disables a client by writing exactly that. */
export function isActiveClient(client: JsonObject): boolean {
  return client.active !== false;
}
