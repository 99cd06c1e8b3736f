import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Test } from 'tap';

export interface SigningKey {
  readonly alg: 'RS384' | 'ES384';
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

/** A SMART Backend Services client's key set, served from loopback like a partner would host it. */
export async function hostKeySet(t: Test): Promise<{ jwksUri: string; keys: Record<'RS384' | 'ES384', SigningKey> }> {
  const keys = {} as Record<'RS384' | 'ES384', SigningKey>;
  const published: object[] = [];
  for (const alg of ['RS384', 'ES384'] as const) {
    const pair = await generateKeyPair(alg, { extractable: true });
    const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    keys[alg] = { alg, kid, privateKey: pair.privateKey };
    published.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' });
  }
  const body = JSON.stringify({ keys: published });
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { jwksUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, keys };
}

export interface TokenResult {
  readonly status: number;
  readonly body: { access_token?: string; scope?: string; error?: string; [key: string]: unknown };
}

async function postToken(tokenUrl: string, form: Record<string, string>, headers = {}): Promise<TokenResult> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: (await response.json()) as TokenResult['body'] };
}

/** `client_credentials` with a `private_key_jwt` assertion (SMART Backend Services). */
export async function tokenWithAssertion(
  tokenUrl: string,
  clientId: string,
  key: SigningKey,
  scope?: string,
): Promise<TokenResult> {
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(tokenUrl)
    .setIssuedAt()
    .setExpirationTime('4m')
    .setJti(randomUUID())
    .sign(key.privateKey);
  return postToken(tokenUrl, {
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    ...(scope !== undefined && { scope }),
  });
}

/** `client_credentials` with the client secret in a Basic header. */
export async function tokenWithSecret(tokenUrl: string, clientId: string, secret: string): Promise<TokenResult> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  return postToken(tokenUrl, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
}

/** A FHIR GET with a bearer token; answers the status. */
export async function fhirStatus(url: string, accessToken: string): Promise<number> {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/fhir+json' },
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  return response.status;
}
