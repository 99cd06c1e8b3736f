/**
 * A SMART Backend Services client, as a partner's server would be one: signing keys, a hosted key set, token requests
 * with a client secret or a `private_key_jwt` assertion (SMART App Launch 2.2 §"Backend Services"), FHIR calls.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

export type AssertionAlg = 'RS384' | 'ES384';

export interface SigningKey {
  readonly alg: AssertionAlg;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  /** The public half as a JWK, with `kid`, `alg` and `use: sig`, ready to publish. */
  readonly publicJwk: JWK;
}

export async function newSigningKey(
  alg: AssertionAlg,
  kid = `${alg.toLowerCase()}-${randomUUID()}`,
): Promise<SigningKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicJwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' },
  };
}

export interface KeySetHost {
  /** Where Aidbox fetches the key set. */
  readonly url: string;
  /** Replaces the published keys. */
  publish(keys: readonly SigningKey[]): void;
  /** How many times the key set was fetched. */
  fetches(): number;
  close(): Promise<void>;
}

/**
 * Serves a key set over http at `listen` (loopback by default). `publicUrl` is the URL Aidbox reaches it at, when
 * that differs (Aidbox in a container or on another host).
 */
export async function hostKeySet(
  options: { host?: string; port?: number; publicUrl?: string } = {},
): Promise<KeySetHost> {
  let body = JSON.stringify({ keys: [] });
  let fetched = 0;
  const server = createServer((_request, response) => {
    fetched += 1;
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  const local = `http://${address.includes(':') ? `[${address}]` : address}:${port}/jwks.json`;
  return {
    url: options.publicUrl ?? local,
    publish: (keys) => {
      body = JSON.stringify({ keys: keys.map((key) => key.publicJwk) });
    },
    fetches: () => fetched,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface AssertionOptions {
  /** Seconds until `exp`; SMART allows at most 300, Aidbox documents the same. Default 240. */
  readonly expiresInSeconds?: number;
  readonly jti?: string;
  readonly audience?: string;
}

/** A client assertion (RFC 7523) for `clientId` at `tokenUrl`, signed with `key`. */
export function clientAssertion(
  clientId: string,
  tokenUrl: string,
  key: SigningKey,
  options: AssertionOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(options.audience ?? tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime(now + (options.expiresInSeconds ?? 240))
    .setJti(options.jti ?? randomUUID())
    .sign(key.privateKey);
}

export interface TokenResult {
  readonly status: number;
  readonly body: {
    readonly access_token?: string;
    readonly token_type?: string;
    readonly scope?: string;
    readonly expires_in?: number;
    readonly error?: string;
    readonly [key: string]: unknown;
  };
}

const TIMEOUT_MS = 15_000;

async function postToken(tokenUrl: string, form: Record<string, string>, headers = {}): Promise<TokenResult> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  let body: TokenResult['body'];
  try {
    body = JSON.parse(text) as TokenResult['body'];
  } catch {
    body = { error: `(not JSON) ${text.slice(0, 200)}` };
  }
  return { status: response.status, body };
}

/** `client_credentials` with a signed assertion (`private_key_jwt`). */
export async function tokenWithAssertion(tokenUrl: string, assertion: string, scope?: string): Promise<TokenResult> {
  return postToken(tokenUrl, {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    ...(scope !== undefined && { scope }),
  });
}

/** `client_credentials` with the client secret in a Basic header (RFC 6749 §2.3.1: each part form-encoded). */
export async function tokenWithSecret(
  tokenUrl: string,
  clientId: string,
  secret: string,
  scope?: string,
): Promise<TokenResult> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  return postToken(
    tokenUrl,
    { grant_type: 'client_credentials', ...(scope !== undefined && { scope }) },
    { authorization: `Basic ${basic}` },
  );
}

export interface FhirAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** One FHIR request with a bearer token; the body is parsed when it is JSON. */
export async function fhirRequest(
  url: string,
  accessToken: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<FhirAnswer> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${accessToken}`,
      accept: 'application/fhir+json',
      ...(init.body !== undefined && { 'content-type': 'application/fhir+json' }),
      ...init.headers,
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}
