import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  type AidboxEmulator,
  type FaultOptions,
  type PortalAidbox,
  type PortalEnvironment,
  portalInitBundle,
  provisionerAidboxEnv,
  startAidboxEmulator,
} from '@payerbox/aidbox-emulator';
import { createDb, createOwnDatabase, type Database, type EnvironmentColumn } from '@payerbox/db';
import { generateKeyringSpec } from '@payerbox/secret-box';
import type { Kysely } from 'kysely';
import type { Test } from 'tap';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

/** The migrated database the test runner provides (packages/dev-stack/src/run-tests.ts). */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`, which provides a database');
  return url;
}

/**
 * A fresh migrated database of the test's own on the runner's server (dropped at teardown): a provisioner process
 * claims every due job it sees, so it must not share a database with suites that queue jobs of their own.
 */
export async function throwawayDb(t: Test): Promise<{ db: Kysely<Database>; url: string }> {
  const own = await createOwnDatabase(testDatabaseUrl(), 'payerbox_prov');
  const db = createDb({ databaseUrl: own.url, poolSize: 2 });
  t.teardown(async () => {
    await db.destroy();
    await own.drop();
  });
  return { db, url: own.url };
}

export interface Emulators {
  readonly sandbox: AidboxEmulator;
  readonly production: AidboxEmulator;
  /** Each emulator's URL and the portal's least-privilege credentials there (from the init bundle). */
  readonly portal: Readonly<Record<PortalEnvironment, PortalAidbox>>;
}

/** Both Aidbox emulators, started with the portal's init bundles as a real Aidbox is, without sample data. */
export async function startEmulators(t: Test, faults: FaultOptions = {}): Promise<Emulators> {
  const start = async (name: PortalEnvironment) => {
    const { initBundle, credentials } = portalInitBundle(name);
    const root = { id: 'root', secret: randomBytes(18).toString('base64url') };
    const emulator = await startAidboxEmulator({ adminClient: root, initBundle, name, faults, seed: false });
    t.teardown(() => emulator.close());
    return { emulator, portal: { url: emulator.url, ...credentials } };
  };
  const sandbox = await start('sandbox');
  const production = await start('production');
  return {
    sandbox: sandbox.emulator,
    production: production.emulator,
    portal: { sandbox: sandbox.portal, production: production.portal },
  };
}

/** A draft JWKS service with a pending sandbox job, written the way the registration API writes one. */
export async function queueSandboxService(db: Kysely<Database>, environment: EnvironmentColumn = 'sandbox') {
  const ownerId = randomUUID();
  await db
    .insertInto('users')
    .values({ id: ownerId, email: `owner-${ownerId}@example.test`, name: 'Owner', role: 'developer' })
    .execute();
  const id = randomUUID();
  // The form of the registration service's client ids, the only ones the provisioning client may write.
  const clientId = `bs-${randomBytes(16).toString('hex')}`;
  await db
    .insertInto('backendServices')
    .values({
      id,
      clientId,
      ownerId,
      name: 'Metrics test',
      description: null,
      authMethod: 'jwks_uri',
      jwksUri: 'https://keys.partner.test/jwks.json',
      scopeVersion: 'v2',
      scopes: ['system/Patient.rs'],
      organizationId: null,
      status: 'draft',
      reviewNote: null,
      rejectionReason: null,
      reviewedBy: null,
      clientSecretCiphertext: null,
      clientSecretKeyId: null,
    })
    .execute();
  await db
    .insertInto('serviceEnvironments')
    .values({ serviceId: id, environment, state: 'pending', lastError: null })
    .execute();
  await db
    .insertInto('provisioningJobs')
    .values({ serviceId: id, environment, reason: 'created', lockedBy: null, lastError: null })
    .execute();
  return { id, clientId };
}

export async function environmentState(
  db: Kysely<Database>,
  serviceId: string,
  environment: EnvironmentColumn = 'sandbox',
) {
  const row = await db
    .selectFrom('serviceEnvironments')
    .select('state')
    .where('serviceId', '=', serviceId)
    .where('environment', '=', environment)
    .executeTakeFirst();
  return row?.state;
}

export function provisionerEnv(databaseUrl: string, emulators: Emulators) {
  return {
    DATABASE_URL: databaseUrl,
    SECRET_ENCRYPTION_KEYS: generateKeyringSpec('test'),
    LOG_LEVEL: 'info',
    ...provisionerAidboxEnv(emulators.portal),
    POLL_INTERVAL_MS: '100',
    MAX_BACKOFF_MS: '200',
    METRICS_HOST: '127.0.0.1',
    METRICS_PORT: '0',
  };
}

/**
 * The real provisioner process; resolves once its metrics listener is up, with that listener's URL. `logged(msg)`
 * resolves at the first log line with that message (one already written counts), so a test can wait on what the
 * process says it did.
 */
export async function startProvisioner(t: Test, env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SERVER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exit = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once('exit', (code) => resolve({ code, at: Date.now() })),
  );
  const lines: string[] = [];
  const entries: LogEntry[] = [];
  const log = new EventEmitter<{ entry: [LogEntry] }>();
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => lines.push(chunk));
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        continue; // not a log line
      }
      entries.push(entry);
      log.emit('entry', entry);
    }
  });
  /** The first log entry with message `msg`; fails after `timeoutMs` or when the process exits first. */
  const logged = (msg: string, timeoutMs = 30_000) =>
    new Promise<LogEntry>((resolve, reject) => {
      const seen = entries.find((entry) => entry.msg === msg);
      if (seen) return resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) {
        return reject(new Error(`the provisioner has exited without logging "${msg}":\n${lines.join('\n')}`));
      }
      const done = () => {
        clearTimeout(timer);
        log.off('entry', onEntry);
        child.off('exit', onExit);
      };
      const onEntry = (entry: LogEntry) => {
        if (entry.msg !== msg) return;
        done();
        resolve(entry);
      };
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`the provisioner exited with ${code} before logging "${msg}":\n${lines.join('\n')}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the provisioner did not log "${msg}" within ${timeoutMs} ms:\n${lines.join('\n')}`));
      }, timeoutMs);
      log.on('entry', onEntry);
      child.once('exit', onExit);
    });
  const listening = await logged('metrics listening');
  if (typeof listening.url !== 'string') throw new Error('the metrics listener logged no URL');
  return { child, metricsUrl: listening.url, exit, lines, logged };
}

interface LogEntry {
  readonly msg?: string;
  readonly url?: unknown;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
