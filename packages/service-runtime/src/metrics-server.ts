import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the listener serves at `/metrics`: a prom-client `Registry` (structurally, so this package needs no prom-client). */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsServer {
  readonly server: Server;
  /** `http://host:port` it listens at. */
  readonly url: string;
  /** From now on `/ready` answers 503 (the worker is draining). */
  markDraining(): void;
  close(): Promise<void>;
}

/**
 * A worker process's small HTTP listener (the provisioner's, the notifier's): `/metrics` (Prometheus), `/health` (liveness) and `/ready` (503 once
 * shutdown begins). It serves nothing else and reads no request body.
 */
export async function startMetricsServer(options: {
  readonly registry: MetricsRegistry;
  readonly host: string;
  readonly port: number;
}): Promise<MetricsServer> {
  let draining = false;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'GET' && request.method !== 'HEAD') return json(405, { error: 'method not allowed' });
    if (path === '/health') return json(200, { status: 'ok' });
    if (path === '/ready') return draining ? json(503, { status: 'stopping' }) : json(200, { status: 'ready' });
    if (path !== '/metrics') return json(404, { error: 'not found' });
    options.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': options.registry.contentType }).end(text),
      () => json(500, { error: 'metrics unavailable' }),
    );
  });
  // Scrapes are tiny; a stalled client should not hold the listener (or shutdown) for long.
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    markDraining() {
      draining = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
