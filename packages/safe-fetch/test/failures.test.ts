// Every way a connection can fail ends in a typed SafeFetchError, never in an unhandled 'error' event: each kind is
// produced for real on loopback, or, where loopback cannot produce it (no route to a network), by an injected
// connector failing the way the kernel does.
import { createServer as createHttpsServer } from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import t, { type Test } from 'tap';
import type { Connector } from '../src/index.ts';
import { fetcher, refusal, resolveTo, serve } from './helpers/fetch.ts';
import { certificateFor, type TestCertificate } from './helpers/tls.ts';

const HOST = 'jwks.partner.test';
const KEYS = JSON.stringify({ keys: [] });

// A process-wide tripwire: the defect this file guards against surfaced as an uncaught exception.
const escaped: unknown[] = [];
const onUncaught = (error: unknown) => escaped.push(error);
process.on('uncaughtException', onUncaught);
t.teardown(() => {
  process.off('uncaughtException', onUncaught);
});

let trusted: TestCertificate;
t.before(async () => {
  trusted = await certificateFor(HOST);
});

/** An https server on loopback with the given certificate. */
async function serveTls(t: Test, certificate: TestCertificate, address = '127.0.0.1'): Promise<number> {
  const server = createHttpsServer({ key: certificate.key, cert: certificate.cert }, (_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(KEYS),
  );
  // A client that gives up mid-handshake makes the server emit tlsClientError: expected here.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.teardown(() => server.closeAllConnections());
  return (server.address() as AddressInfo).port;
}

/** A TCP server on loopback that does `onConnection` with every socket it accepts. */
async function serveRaw(t: Test, onConnection: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (taken from the kernel, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A connector that fails like the kernel does for the listed addresses and connects for real to the others. */
function kernelFailing(failures: Record<string, string>): Connector {
  return async (target, signal) => {
    const code = failures[target.address];
    if (code === 'never') {
      return new Promise<Socket>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
      );
    }
    if (code) throw Object.assign(new Error(`connect ${code} ${target.address}:${target.port}`), { code });
    const { tcpConnector } = await import('../src/index.ts');
    return tcpConnector(target, signal);
  };
}

t.test('a network the portal has no route to is reported as unreachable, for IPv4 and IPv6', async (t) => {
  for (const [address, code] of [
    ['93.184.216.34', 'ENETUNREACH'],
    ['2606:2800:220:1::1', 'ENETUNREACH'],
    ['93.184.216.35', 'EHOSTUNREACH'],
    ['2606:2800:220:1::2', 'EADDRNOTAVAIL'],
  ] as const) {
    const { fetch } = fetcher({ resolve: resolveTo(address), connect: kernelFailing({ [address]: code }) });
    const error = await refusal(fetch(`https://${HOST}/jwks.json`));
    t.equal(error.code, 'network_unreachable', `${address} ${code}`);
    t.equal(error.message, `could not be reached: ${address} has no network route from the portal`);
  }
});

t.test('a closed port is reported as a refused connection', async (t) => {
  const port = await closedPort();
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  for (const scheme of ['http', 'https']) {
    const error = await refusal(fetch(`${scheme}://${HOST}:${port}/jwks.json`));
    t.equal(error.code, 'connection_refused', scheme);
    t.equal(error.message, 'could not be reached: 127.0.0.1 refused the connection');
  }
});

t.test('a connection reset during the TLS handshake is a TLS failure', async (t) => {
  const port = await serveRaw(t, (socket) => socket.once('data', () => socket.resetAndDestroy()));
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  const error = await refusal(fetch(`https://${HOST}:${port}/jwks.json`));
  t.equal(error.code, 'tls_failed');
  t.match(error.message, /closed the connection during the TLS handshake/);
});

t.test('a connection reset after the request was sent is reported as reset', async (t) => {
  const port = await serveRaw(t, (socket) => socket.once('data', () => socket.resetAndDestroy()));
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  const error = await refusal(fetch(`http://${HOST}:${port}/jwks.json`));
  t.equal(error.code, 'connection_reset');
  t.equal(error.message, 'could not be fetched: the server closed the connection');
});

t.test('a connection cut in the middle of the body is reported as reset', async (t) => {
  const port = await serveRaw(t, (socket) =>
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"keys":');
      setImmediate(() => socket.resetAndDestroy());
    }),
  );
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  t.equal((await refusal(fetch(`http://${HOST}:${port}/jwks.json`))).code, 'connection_reset');
});

t.test('a server that does not speak HTTP is reported as such', async (t) => {
  const port = await serveRaw(t, (socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.2\r\n')));
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  const error = await refusal(fetch(`http://${HOST}:${port}/jwks.json`));
  t.equal(error.code, 'connection_failed');
  t.equal(error.message, 'could not be fetched: the server did not answer with HTTP');
});

t.test('certificate problems are TLS failures that say what is wrong', async (t) => {
  const cases: [string, TestCertificate, boolean, RegExp][] = [
    ['untrusted', trusted, false, /not issued by a trusted certificate authority|self-signed/],
    ['expired', await certificateFor(HOST, -1), true, /certificate has expired/],
    ['for another name', await certificateFor('other.partner.test'), true, /not valid for this host name/],
  ];
  for (const [label, certificate, trust, message] of cases) {
    const port = await serveTls(t, certificate);
    const { fetch } = fetcher({
      allowLoopback: true,
      resolve: resolveTo('127.0.0.1'),
      ...(trust && { ca: certificate.cert }),
    });
    const error = await refusal(fetch(`https://${HOST}:${port}/jwks.json`));
    t.equal(error.code, 'tls_failed', label);
    t.match(error.message, message, label);
  }
});

t.test('an http server behind an https URL is a TLS failure', async (t) => {
  const server = await serve(t, (_url, res) => res.end(KEYS));
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1') });
  const error = await refusal(fetch(`https://${HOST}:${server.port}/jwks.json`));
  t.equal(error.code, 'tls_failed');
  t.match(error.message, /does not speak TLS on that port/);
});

t.test('fetches over https from a server whose certificate is trusted and names the host', async (t) => {
  const port = await serveTls(t, trusted);
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1'), ca: trusted.cert });
  const response = await fetch(`https://${HOST}:${port}/jwks.json`);
  t.equal(response.status, 200);
  t.equal(response.body.toString(), KEYS);
});

t.test('a server that accepts but never completes the handshake runs into the deadline', async (t) => {
  const port = await serveRaw(t, () => {});
  const { fetch } = fetcher({ allowLoopback: true, resolve: resolveTo('127.0.0.1'), timeoutMs: 300 });
  const error = await refusal(fetch(`https://${HOST}:${port}/jwks.json`));
  t.equal(error.code, 'timeout');
  t.equal(error.message, 'did not answer within 300 ms');
});

t.test('a name that does not exist, or that DNS cannot answer for now, is a DNS failure', async (t) => {
  for (const [code, message] of [
    ['ENOTFOUND', `could not be reached: host ${HOST} does not exist`],
    ['EAI_AGAIN', `could not be reached: host ${HOST} could not be resolved right now (a temporary DNS failure)`],
  ] as const) {
    const { fetch, dialled } = fetcher({
      resolve: async () => {
        throw Object.assign(new Error(`getaddrinfo ${code} ${HOST}`), { code });
      },
    });
    const error = await refusal(fetch(`https://${HOST}/jwks.json`));
    t.equal(error.code, 'dns_failed', code);
    t.equal(error.message, message);
    t.same(dialled, []);
  }
});

t.test('a name with several addresses is fetched from the first that accepts', async (t) => {
  // 127.0.0.2 serves; nothing listens on 127.0.0.1 at that port, so the first address refuses.
  const port = await serveTls(t, trusted, '127.0.0.2');
  const { fetch, dialled } = fetcher({
    allowLoopback: true,
    resolve: resolveTo('::1', '127.0.0.1', '127.0.0.2'),
    connect: kernelFailing({ '::1': 'ENETUNREACH' }),
    ca: trusted.cert,
  });
  const response = await fetch(`https://${HOST}:${port}/jwks.json`);
  t.equal(response.status, 200);
  t.equal(response.address, '127.0.0.2');
  t.same(dialled, ['::1', '127.0.0.1', '127.0.0.2']);
});

t.test('an address that never answers the connect is given up for the next one', async (t) => {
  const port = await serveTls(t, trusted);
  const { fetch, dialled } = fetcher({
    allowLoopback: true,
    resolve: resolveTo('127.0.0.3', '127.0.0.1'),
    connect: kernelFailing({ '127.0.0.3': 'never' }),
    attemptTimeoutMs: 100,
    ca: trusted.cert,
  });
  t.equal((await fetch(`https://${HOST}:${port}/jwks.json`)).status, 200);
  t.same(dialled, ['127.0.0.3', '127.0.0.1']);
});

t.test('when every address fails, the error names each of them', async (t) => {
  const port = await closedPort();
  const { fetch } = fetcher({
    allowLoopback: true,
    resolve: resolveTo('2606:2800:220:1::1', '127.0.0.1'),
    connect: kernelFailing({ '2606:2800:220:1::1': 'ENETUNREACH' }),
  });
  const error = await refusal(fetch(`https://${HOST}:${port}/jwks.json`));
  t.equal(error.code, 'connection_refused');
  t.equal(
    error.message,
    'could not be reached at any of its addresses: 2606:2800:220:1::1 has no network route from the portal; ' +
      '127.0.0.1 refused the connection',
  );
});

t.test('tries at most four addresses of a long answer', async (t) => {
  const addresses = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14', '127.0.0.15'];
  const { fetch, dialled } = fetcher({
    allowLoopback: true,
    resolve: resolveTo(...addresses),
    connect: kernelFailing(Object.fromEntries(addresses.map((a) => [a, 'ECONNREFUSED']))),
  });
  t.equal((await refusal(fetch(`https://${HOST}/jwks.json`))).code, 'connection_refused');
  t.same(dialled, addresses.slice(0, 4));
});

t.test('no socket or TLS error escaped as an uncaught exception in any of the above', async (t) => {
  // Late socket errors arrive on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  t.same(escaped, []);
});
