import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resolver } from '@payerbox/safe-fetch';
import type { Test } from 'tap';

/** Test JWKS URIs use host names under .test, which the test resolver maps to loopback. */
export const JWKS_HOST = 'keys.partner.test';

/**
 * Tests never look up real names: `.test` names and localhost resolve to loopback, anything else fails as an
 * unknown host, so no test can send a DNS query or a packet off this machine.
 */
export const testResolver: Resolver = async (hostname) => {
  if (hostname === 'localhost' || hostname.endsWith('.test')) return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

const publicJwk = (key: JsonWebKey, kid: string, alg: string) => ({ ...key, kid, alg, use: 'sig' });

/** An RS384 and an ES384 public key, made once per test file. */
export const TEST_KEYS = (() => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return {
    rsa: publicJwk(rsa.publicKey.export({ format: 'jwk' }), 'rsa-1', 'RS384'),
    ec: publicJwk(ec.publicKey.export({ format: 'jwk' }), 'ec-1', 'ES384'),
    rsaPrivate: { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'rsa-private', alg: 'RS384' },
  };
})();

interface Reply {
  status?: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

/** A key set server on loopback. `/jwks.json` serves a good set until a test sets other replies. */
export async function startJwksServer(t: Test) {
  const replies = new Map<string, Reply>([['/jwks.json', { body: { keys: [TEST_KEYS.rsa, TEST_KEYS.ec] } }]]);
  const server = createServer((req, res) => {
    const reply = replies.get(req.url ?? '') ?? { status: 404, body: { error: 'not found' } };
    const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return {
    /** `http://keys.partner.test:<port><path>`. */
    url: (path = '/jwks.json') => `http://${JWKS_HOST}:${port}${path}`,
    reply: (path: string, reply: Reply) => replies.set(path, reply),
  };
}
