// Shared test helpers: an emulator per test, an HTTP client for it, and a loopback JWKS server with keys from jose.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import type { Test } from 'tap';
import { type AidboxEmulator, type EmulatorOptions, startAidboxEmulator } from '../src/index.ts';

/** Aidbox's root client: the tests play the operator with it. */
export const ADMIN = { id: 'root', secret: `admin-${randomUUID()}` };
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; form?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export interface Harness {
  emulator: AidboxEmulator;
  url: string;
  /** A request to the admin API with the admin client's Basic credentials. */
  admin(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** PUTs a client and fails the test unless it is stored. */
  putClient(id: string, client: Record<string, unknown>): Promise<void>;
  /** PUTs an access policy and fails the test unless it is stored. */
  putPolicy(id: string, policy: Record<string, unknown>): Promise<void>;
  token(form: Record<string, string>, headers?: Record<string, string>): Promise<Answer>;
  /**
   * A backend service with a secret, the given scopes and (unless `policy: false`) a policy allowing all FHIR; with
   * `type: 'smart-app'` its tokens carry the scopes and Aidbox checks them.
   */
  secretClient(scope: string[], options?: { policy?: Record<string, unknown> | false; type?: string }): Promise<Client>;
  fhir(method: string, path: string, accessToken: string | undefined, body?: unknown): Promise<Answer>;
  /**
   * A request to an organization's FHIR base, `/Organization/<org>/fhir<path>`: with a bearer token, or with the
   * admin client's Basic credentials when `accessToken` is `'admin'`.
   */
  orgFhir(org: string, method: string, path: string, accessToken: string | undefined, body?: unknown): Promise<Answer>;
}

export interface Client {
  id: string;
  secret: string;
  /** Gets an access token (all scopes unless some are asked for) and fails the test unless it gets one. */
  accessToken(scope?: string): Promise<string>;
}

/** Starts an emulator on loopback with a random port, closed when the test ends. */
export async function startEmulator(t: Test, options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const emulator = await startAidboxEmulator({ host: '127.0.0.1', port: 0, adminClient: ADMIN, ...options });
  t.teardown(() => emulator.close());
  const { url } = emulator;
  const harness: Harness = {
    emulator,
    url,
    admin: (method, path, body, headers = {}) =>
      call(`${url}${path}`, { method, body, headers: { authorization: basic(ADMIN.id, ADMIN.secret), ...headers } }),
    async putClient(id, client) {
      const answer = await harness.admin('PUT', `/Client/${id}`, client);
      if (answer.status !== 201 && answer.status !== 200) throw new Error(`PUT Client: ${JSON.stringify(answer.body)}`);
    },
    async putPolicy(id, policy) {
      const answer = await harness.admin('PUT', `/AccessPolicy/${id}`, policy);
      if (answer.status !== 201 && answer.status !== 200) throw new Error(`PUT policy: ${JSON.stringify(answer.body)}`);
    },
    token: (form, headers = {}) => call(`${url}/auth/token`, { method: 'POST', form, headers }),
    async secretClient(scope, options = {}) {
      const id = uniqueId('svc');
      const secret = `secret-${randomUUID()}`;
      await harness.putClient(id, {
        ...(options.type !== undefined && { type: options.type }),
        active: true,
        secret,
        grant_types: ['client_credentials'],
        scope,
        auth: { client_credentials: { token_format: 'jwt', access_token_expiration: 300 } },
      });
      if (options.policy !== false) {
        await harness.putPolicy(`${id}-policy`, {
          engine: 'matcho',
          link: [{ resourceType: 'Client', id }],
          matcho: options.policy ?? { client: { id, active: true } },
        });
      }
      return {
        id,
        secret,
        async accessToken(requested) {
          const form = { grant_type: 'client_credentials', client_id: id, client_secret: secret };
          const answer = await harness.token(requested === undefined ? form : { ...form, scope: requested });
          if (answer.status !== 200) throw new Error(`token: ${JSON.stringify(answer.body)}`);
          return answer.body.access_token as string;
        },
      };
    },
    fhir: (method, path, accessToken, body) =>
      call(`${url}/fhir${path}`, {
        method,
        body,
        headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
      }),
    orgFhir: (org, method, path, accessToken, body) => {
      const authorization =
        accessToken === 'admin' ? basic(ADMIN.id, ADMIN.secret) : accessToken ? `Bearer ${accessToken}` : undefined;
      return call(`${url}/Organization/${org}/fhir${path}`, {
        method,
        body,
        headers: authorization ? { authorization } : {},
      });
    },
  };
  return harness;
}

export interface SigningKey {
  kid: string;
  alg: 'RS384' | 'ES384' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function signingKey(alg: SigningKey['alg'], kid = uniqueId('key')): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A client assertion (RFC 7523) as a SMART backend service would sign it; claims and header can be overridden. */
export async function clientAssertion(
  key: SigningKey,
  clientId: string,
  tokenUrl: string,
  overrides: { claims?: Record<string, unknown>; header?: Record<string, unknown>; expiresIn?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: clientId,
    sub: clientId,
    aud: tokenUrl,
    exp: now + (overrides.expiresIn ?? 240),
    jti: randomUUID(),
    ...overrides.claims,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...overrides.header })
    .sign(key.privateKey);
}

export interface JwksServer {
  url: string;
  /** How many times the key set was fetched. */
  fetches(): number;
  setKeys(keys: JWK[]): void;
  setCacheControl(value: string | undefined): void;
}

/** A client's key set on loopback http, changeable during the test. */
export async function serveJwks(t: Test, keys: JWK[], cacheControl?: string): Promise<JwksServer> {
  let current = keys;
  let cache = cacheControl;
  let count = 0;
  const server = createServer((_request, response) => {
    count += 1;
    response.setHeader('content-type', 'application/json');
    if (cache !== undefined) response.setHeader('cache-control', cache);
    response.end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.teardown(() => server.closeAllConnections());
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    fetches: () => count,
    setKeys: (next) => {
      current = next;
    },
    setCacheControl: (value) => {
      cache = value;
    },
  };
}
