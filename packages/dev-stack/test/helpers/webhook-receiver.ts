import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { Test } from 'tap';

export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  /** The raw body, as a receiver verifies it. */
  readonly body: string;
  /** The status the receiver answered; null for a request it holds unanswered. */
  readonly status: number | null;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly received: readonly ReceivedWebhook[];
  /** Resolves once `count` requests arrived (each answered), with all of them. */
  waitFor(count: number, timeoutMs?: number): Promise<readonly ReceivedWebhook[]>;
}

/**
 * A partner's webhook receiver on loopback. `answer(n)` gives the status of the n-th request (1-based): 204 by default,
 * so a test can make it fail some attempts first; `'hold'` never answers it (the sender stays in the middle of the
 * delivery until the test ends).
 */
export async function startWebhookReceiver(
  t: Test,
  answer: (n: number) => number | 'hold' = () => 204,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const status = answer(received.length + 1);
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, body, status: status === 'hold' ? null : status });
      if (status !== 'hold') response.writeHead(status).end();
      for (const waiter of waiters.filter((w) => received.length >= w.count)) waiter.resolve();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A held request's connection would keep close() waiting.
        server.closeAllConnections();
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/hooks/portal`,
    received,
    waitFor(count, timeoutMs = 30_000) {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${received.length} of ${count} webhooks arrived in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(received);
          },
        });
      });
    },
  };
}
