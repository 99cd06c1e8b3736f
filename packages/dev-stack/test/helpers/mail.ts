import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { MailDev } from 'maildev';
import type { Test } from 'tap';
import type { LocalStack } from '../../src/local-stack.ts';
import { type ManagedProcess, runProcess } from '../../src/processes.ts';

/** An e-mail as maildev's HTTP API (`GET /api/email`) answers it, in the parts the tests read. */
export interface CaughtEmail {
  readonly id: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly to: readonly { readonly address: string; readonly name?: string }[];
  readonly headers: Readonly<Record<string, string>>;
}

export interface MailInbox {
  readonly smtpPort: number;
  /** maildev's web inbox and HTTP API. */
  readonly webUrl: string;
  /** Every e-mail caught so far, read through the HTTP API. */
  emails(): Promise<CaughtEmail[]>;
  /** Waits until the inbox holds an e-mail to `address` that `matches` (fails after `timeoutMs`). */
  waitFor(address: string, matches: (email: CaughtEmail) => boolean, timeoutMs?: number): Promise<CaughtEmail>;
  stop(): Promise<void>;
}

/** maildev on loopback (SMTP on `smtpPort`, any free one by default), stopped with the test. */
export async function startInbox(t: Test, smtpPort = 0): Promise<MailInbox> {
  const maildev = new MailDev({ smtp: smtpPort, web: 0, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true });
  const servers = (await maildev.start()) as unknown as {
    smtp: { smtp: { server: Server } };
    api: { boundAddress: { port: number } };
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await maildev.stop();
  };
  t.teardown(stop);
  const smtpAddress = servers.smtp.smtp.server.address();
  if (smtpAddress === null || typeof smtpAddress === 'string') throw new Error('maildev has no SMTP port');
  const webUrl = `http://127.0.0.1:${servers.api.boundAddress.port}`;
  const emails = async () => {
    const response = await fetch(`${webUrl}/api/email`);
    if (!response.ok) throw new Error(`maildev answered ${response.status}`);
    return (await response.json()) as CaughtEmail[];
  };
  return {
    smtpPort: smtpAddress.port,
    webUrl,
    emails,
    async waitFor(address, matches, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const found = (await emails()).find((email) => email.to.some((to) => to.address === address) && matches(email));
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`no e-mail to ${address} arrived within ${timeoutMs} ms`);
    },
    stop,
  };
}

/** An SMTP server that accepts connections and never greets: a delivery to it hangs in the middle. */
export async function stallingSmtpServer(t: Test): Promise<{ port: number; connected: Promise<void> }> {
  const sockets = new Set<Socket>();
  let connected!: () => void;
  const arrived = new Promise<void>((resolve) => {
    connected = resolve;
  });
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    connected();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, connected: arrived };
}

/** Runs the notifier as its own process against the stack's database, delivering to SMTP on loopback `smtpPort`. */
export function startNotifier(
  t: Test,
  stack: LocalStack,
  smtpPort: number,
  env: Readonly<Record<string, string>> = {},
): ManagedProcess {
  const notifier = runProcess('notifier', 'services/notifier/src/server.ts', {
    DATABASE_URL: stack.databaseUrl,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://portal.test',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtpPort),
    SMTP_TLS: 'none',
    MAIL_FROM: 'Payerbox portal <no-reply@portal.test>',
    POLL_INTERVAL_MS: '100',
    LEASE_MS: '1500',
    METRICS_PORT: '0',
    SECRET_ENCRYPTION_KEYS: stack.keyring,
    // The stack's portal runs in development mode, which lets key sets (and so webhooks) reach loopback.
    ALLOW_LOOPBACK_JWKS: 'true',
    // The key set re-check judges key sets by what the stack's emulators advertise.
    SANDBOX_AIDBOX_URL: stack.emulators.sandbox.url,
    PRODUCTION_AIDBOX_URL: stack.emulators.production.url,
    ...env,
  });
  t.teardown(() => notifier.stop(5_000));
  return notifier;
}
