import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from 'jose';

/** A JSON Web Key Set served on loopback, with the private half of its one key. */
export interface JwksServer {
  /** `http://127.0.0.1:<port>/jwks.json`: the URI a backend service registers as its `jwksUri`. */
  readonly url: string;
  /** Signs client assertions (`alg: 'RS384'`, header `kid`) that verify against the served key. */
  readonly privateKey: CryptoKey;
  /** The `kid` of the served key. */
  readonly kid: string;
  /** The served public key: `kty`, `n`, `e`, `kid`, `alg: 'RS384'`, `use: 'sig'`. */
  readonly publicJwk: JWK;
  /** The same key with its private part (`d`, `p`, `q`, …): what a key set must never publish. */
  readonly privateJwk: JWK;
  /** Serves `document` (any JSON) from now on instead of `{ keys: [publicJwk] }`; `serve()` goes back to that. */
  serve(document?: unknown): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts a key set server on 127.0.0.1 with one fresh RS384 key pair. `GET /jwks.json` answers `{ keys: [publicJwk] }`
 * (or what `serve` gave it)
 * with `Cache-Control: public, max-age=300` (consumers such as the Aidbox emulator cache by it); other paths answer
 * 404. The caller closes it.
 */
export async function startJwksServer(): Promise<JwksServer> {
  const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
  const kid = randomBytes(8).toString('base64url');
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'RS384', use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: 'RS384', use: 'sig' };
  const published = JSON.stringify({ keys: [publicJwk] });
  let body = published;

  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && path === '/jwks.json') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'public, max-age=300',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
  });
  // A client that opens a connection and sends nothing must not keep the server (and the test) alive.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    privateKey,
    kid,
    publicJwk,
    privateJwk,
    serve: (document) => {
      body = document === undefined ? published : JSON.stringify(document);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A key set served for a whole test file: started before its tests, closed after them. */
export function jwksServerForTests(t: {
  before(fn: () => Promise<void>): void;
  teardown(fn: () => Promise<void>): void;
}): () => JwksServer {
  let server: JwksServer | undefined;
  t.before(async () => {
    server = await startJwksServer();
  });
  t.teardown(async () => {
    await server?.close();
  });
  return () => {
    if (!server) throw new Error('the key set server is not running (used outside the tests?)');
    return server;
  };
}
