import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Test } from 'tap';
import { createSafeFetcher, type Resolver, SafeFetchError, type SafeFetchOptions } from '../../src/index.ts';

export type Handler = (url: string, res: ServerResponse, headers: IncomingHttpHeaders) => void;

/** A document server on loopback; every request it sees is recorded. */
export async function serve(
  t: Test,
  handler: Handler,
): Promise<{ port: number; seen: { url: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    handler(req.url ?? '', res, req.headers);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  t.teardown(() => server.closeAllConnections());
  return { port: (server.address() as AddressInfo).port, seen };
}

/** Loopback only: 127.0.0.0/8 and ::1. */
export function isLoopback(address: string): boolean {
  return address === '::1' || /^127\.\d+\.\d+\.\d+$/.test(address);
}

/** A fetcher whose every connection must go to loopback: a non-loopback dial fails the test before any packet. */
export function fetcher(options: Partial<SafeFetchOptions> = {}) {
  const dialled: string[] = [];
  const fetch = createSafeFetcher({
    allowLoopback: false,
    timeoutMs: 1_000,
    ...options,
    beforeConnect: ({ address }) => {
      dialled.push(address);
      if (!isLoopback(address) && !options.connect) {
        throw new SafeFetchError('connection_failed', `test guard: refusing to dial ${address}`);
      }
    },
  });
  return { fetch, dialled };
}

export const resolveTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** The error a fetch ends in; fails the test when it succeeds or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<SafeFetchError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SafeFetchError) return error;
    throw error;
  }
  throw new Error('expected the fetch to be refused');
}
