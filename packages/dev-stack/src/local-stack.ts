import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createAidboxClient } from '@payerbox/aidbox';
import {
  type AidboxEmulator,
  type AssertionAlgorithm,
  type FaultOptions,
  organizationReaderEnv,
  type PortalAidbox,
  type PortalEnvironment,
  portalInitBundle,
  provisionerAidboxEnv,
  SAMPLE_GROUP_IDS,
  startAidboxEmulator,
} from '@payerbox/aidbox-emulator';
import { createDb } from '@payerbox/db';
import {
  createNotifierMetrics,
  loadNotifierConfig,
  type Notifier,
  type RecurringWork,
  scheduledWorks,
  startNotifier,
} from '@payerbox/notifier';
import { createWorker, type Worker } from '@payerbox/provisioner';
import { buildApp, loadConfig } from '@payerbox/registration';
import { createApiToken, upsertUserByEmail } from '@payerbox/registration/test-support';
import { generateKeyringSpec, parseKeyring } from '@payerbox/secret-box';
import { createTransport } from 'nodemailer';
import { pino } from 'pino';
import { throwawayDatabase } from './database.ts';
import { UNMET_RATE_LIMITS } from './unmet-rate-limits.ts';

/**
 * Aidbox's `root` client in both emulators: for tests that play the payer's operator (e.g. deleting a Client by hand).
 * The portal itself never uses it: it provisions and reads through the least-privilege clients of the init bundles.
 */
export const ROOT_CLIENT = { id: 'root', secret: randomBytes(18).toString('base64url') };

export interface StackUser {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly token: string;
  /** JSON request to the registration API as this user (e.g. with `if-match`); answers status and parsed body. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Readonly<Record<string, string>>,
  ): Promise<{ status: number; body: any }>;
}

export interface WorkerTuning {
  readonly concurrency?: number;
  readonly pollIntervalMs?: number;
  readonly resyncIntervalMs?: number;
  /** How often the deadline pass switches production secret cutovers past their deadline. */
  readonly secretCutoverIntervalMs?: number;
  readonly maxAttempts?: number;
  readonly maxBackoffMs?: number;
  /** Per-call Aidbox timeout; tests that hold a worker inside a call raise it so the call waits for the release. */
  readonly aidboxTimeoutMs?: number;
  /** How long a claimed job stays the worker's (the provisioner's own default when left out). */
  readonly leaseMs?: number;
}

export type UserRole = 'developer' | 'admin';

export interface StackUserRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
}

/** Optional settings of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Port the registration API listens on (127.0.0.1); default: one the system picks. */
  readonly port?: number;
  /**
   * Extra registration configuration merged over the stack's own (e.g. `PUBLIC_URL`, `OIDC_ISSUER_URL`,
   * `DEVELOPER_APP_DIR`); `DATABASE_URL` and `SECRET_ENCRYPTION_KEYS` stay the stack's.
   */
  readonly config?: Readonly<Record<string, string>>;
  /**
   * A multi-organization deployment: OrgBAC on in the production emulator (never in the sandbox's, which runs without
   * it as Health Samurai's developer sandbox does), with the registration service reading organizations from the
   * production emulator as the portal's read-only client (what `ORGBAC_ENABLED=true` plus the `PRODUCTION_AIDBOX_URL`
   * and `PRODUCTION_AIDBOX_READER_*` settings do in a real deployment). `config` may still override any of these.
   */
  readonly orgbac?: boolean;
  /**
   * The client assertion algorithms each emulator advertises and accepts; both RS384 and ES384 unless given, e.g.
   * `{ production: ['RS384'] }` for a production Aidbox as documented.
   */
  readonly assertionAlgorithms?: {
    readonly sandbox?: AssertionAlgorithm[];
    readonly production?: AssertionAlgorithm[];
  };
}

export interface LocalStack {
  readonly apiUrl: string;
  readonly databaseUrl: string;
  readonly keyring: string;
  readonly emulators: { readonly sandbox: AidboxEmulator; readonly production: AidboxEmulator };
  /** Each emulator's URL and the portal's least-privilege credentials there (its init bundle's clients). */
  readonly aidbox: Readonly<Record<PortalEnvironment, PortalAidbox>>;
  readonly developer: StackUser;
  readonly admin: StackUser;
  /**
   * Creates (or, for a known e-mail, updates name and role of) a user without any token. A user created with the
   * e-mail of an identity provider's account (which says the address is verified) becomes that account's user at its
   * first sign-in.
   */
  upsertUser(role: UserRole, profile: { readonly email: string; readonly name: string }): Promise<StackUserRecord>;
  /** {@link upsertUser} plus a personal access token; e-mail and name default to random ones. */
  createUser(role: UserRole, profile?: { readonly email?: string; readonly name?: string }): Promise<StackUser>;
  /** Starts an in-process provisioner worker (stopped at teardown). */
  startWorker(tuning?: WorkerTuning): Promise<Worker>;
  /**
   * Starts an in-process notifier (stopped at teardown): the audited events become in-app notifications; its e-mails are
   * rendered by nodemailer's JSON transport and sent nowhere (the notifier's own tests use a real SMTP server). It runs
   * the recurring works the notifier process runs (the API token expiry scan, the key set re-check), or
   * `options.recurring` instead.
   */
  startNotifier(options?: { readonly recurring?: readonly RecurringWork[] }): Promise<Notifier>;
  /** Environment variables that run a provisioner process against this stack. */
  provisionerEnv(tuning?: WorkerTuning): Record<string, string>;
  /** Stops workers, the API and the emulators (newest first). */
  close(): Promise<void>;
  /** Polls the service until the environment reaches `state` (fails after `timeoutMs`). */
  waitForEnvironment(
    serviceId: string,
    environment: 'sandbox' | 'production',
    state: string,
    timeoutMs?: number,
  ): Promise<any>;
}

/**
 * The whole portal on loopback, in this process, for tests and benchmarks: a fresh database on `serverUrl`'s server,
 * two Aidbox emulators, the registration API over real HTTP, and provisioner workers on demand. `close()` stops all
 * of it and drops the database (so does a failed start). `options` pick the API's port and add configuration, e.g.
 * sign-in against an identity provider and the SPA folders. The rate limits are set out of reach (a benchmark queues a
 * thousand creates at once); `options.config` may set them back.
 */
export async function startLocalStack(
  serverUrl: string,
  faults: FaultOptions = {},
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  // Newest first, each once; one failing step does not keep the others from running.
  const closeAll = async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  };
  try {
    return await assemble(serverUrl, faults, options, cleanups, closeAll);
  } catch (error) {
    // Whatever started before the failure (database, emulators, API) must not outlive it.
    await closeAll().catch(() => {});
    throw error;
  }
}

async function assemble(
  serverUrl: string,
  faults: FaultOptions,
  options: LocalStackOptions,
  cleanups: (() => Promise<unknown>)[],
  closeAll: () => Promise<void>,
): Promise<LocalStack> {
  // A database of its own on the server: its workers claim every due job, and must see only this stack's.
  const database = await throwawayDatabase(serverUrl);
  cleanups.push(database.release);
  const databaseUrl = database.url;
  const keyring = generateKeyringSpec('stack');
  // Each emulator starts with the init bundle docker-compose.yml gives a real Aidbox: the portal's own clients. The
  // sandbox runs without OrgBAC, like the documented developer sandbox; production has it when asked for.
  const orgbac = { sandbox: false, production: options.orgbac ?? false };
  const algorithms = options.assertionAlgorithms ?? {};
  const startEmulator = async (name: PortalEnvironment) => {
    const { initBundle, credentials } = portalInitBundle(name);
    const assertionAlgorithms = algorithms[name];
    const emulator = await startAidboxEmulator({
      adminClient: ROOT_CLIENT,
      initBundle,
      name,
      faults,
      orgbac: orgbac[name],
      ...(assertionAlgorithms && { assertionAlgorithms }),
    });
    cleanups.push(() => emulator.close());
    return { emulator, aidbox: { url: emulator.url, ...credentials } };
  };
  const sandbox = await startEmulator('sandbox');
  const production = await startEmulator('production');
  const emulators = { sandbox: sandbox.emulator, production: production.emulator };
  const aidbox = { sandbox: sandbox.aidbox, production: production.aidbox };

  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PORTAL_MODE: 'development',
    ...UNMET_RATE_LIMITS,
    SANDBOX_AIDBOX_PUBLIC_URL: emulators.sandbox.url,
    PRODUCTION_AIDBOX_PUBLIC_URL: emulators.production.url,
    // The Groups the emulator seeds in its sample data, shown to developers for group-level exports.
    SANDBOX_SAMPLE_GROUP_IDS: SAMPLE_GROUP_IDS.join(','),
    ...(options.orgbac && { ORGBAC_ENABLED: 'true', ...organizationReaderEnv(aidbox.production) }),
    ...options.config,
    DATABASE_URL: databaseUrl,
    SECRET_ENCRYPTION_KEYS: keyring,
  });
  const app = await buildApp(config);
  cleanups.push(() => app.close());
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const upsertUser = (role: UserRole, profile: { readonly email: string; readonly name: string }) =>
    upsertUserByEmail(app.db, { ...profile, role });

  async function createUser(
    role: UserRole,
    profile: { readonly email?: string; readonly name?: string } = {},
  ): Promise<StackUser> {
    const email = profile.email ?? `${role}-${randomBytes(6).toString('hex')}@e2e.test`;
    const created = await upsertUser(role, { email, name: profile.name ?? `E2E ${role}` });
    const { token } = await createApiToken(app.db, created.id, { name: 'e2e', expiresInDays: 1 }, 1);
    return {
      id: created.id,
      email: created.email,
      name: created.name,
      token,
      async api(method, path, body, headers = {}) {
        const response = await fetch(`${apiUrl}/api/v1${path}`, {
          method,
          headers: {
            ...headers,
            authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        return { status: response.status, body: text ? JSON.parse(text) : undefined };
      },
    };
  }
  const developer = await createUser('developer');
  const admin = await createUser('admin');

  const workerDefaults = (tuning: WorkerTuning) => ({
    concurrency: tuning.concurrency ?? 8,
    // Long enough that the tests show NOTIFY (and self-scheduled retries) waking the workers, not the poll.
    pollIntervalMs: tuning.pollIntervalMs ?? 5_000,
    resyncIntervalMs: tuning.resyncIntervalMs ?? 60_000,
    secretCutoverIntervalMs: tuning.secretCutoverIntervalMs ?? 60_000,
    maxAttempts: tuning.maxAttempts ?? 8,
    maxBackoffMs: tuning.maxBackoffMs ?? 200,
    aidboxTimeoutMs: tuning.aidboxTimeoutMs ?? 2_000,
  });

  return {
    apiUrl,
    databaseUrl,
    keyring,
    emulators,
    aidbox,
    developer,
    admin,
    upsertUser,
    createUser,
    close: closeAll,
    async startWorker(tuning = {}) {
      const db = createDb({ databaseUrl, poolSize: 4 });
      const { aidboxTimeoutMs, ...defaults } = workerDefaults(tuning);
      // The provisioning client, whose policies allow only what the provisioner does.
      const connect = ({ url, provisioner }: PortalAidbox) =>
        createAidboxClient({
          baseUrl: url,
          clientId: provisioner.clientId,
          clientSecret: provisioner.clientSecret,
          timeoutMs: aidboxTimeoutMs,
          retries: 1,
          retryDelayMs: 20,
        });
      const worker = createWorker({
        ...defaults,
        ...(tuning.leaseMs !== undefined && { leaseMs: tuning.leaseMs }),
        db,
        databaseUrl,
        keyring: parseKeyring(keyring),
        aidbox: { sandbox: connect(aidbox.sandbox), production: connect(aidbox.production) },
        logger: pino({ level: 'silent' }),
      });
      await worker.start();
      cleanups.push(async () => {
        await worker.stop();
        await db.destroy();
      });
      return worker;
    },
    async startNotifier(options = {}) {
      const db = createDb({ databaseUrl, poolSize: 4 });
      const config = loadNotifierConfig({
        DATABASE_URL: databaseUrl,
        PUBLIC_URL: apiUrl,
        SMTP_HOST: '127.0.0.1',
        SMTP_TLS: 'none',
        MAIL_FROM: 'Payerbox tests <no-reply@example.test>',
        POLL_INTERVAL_MS: '500',
        // Webhook secrets are sealed with the API's keyring; receivers in tests listen on loopback.
        SECRET_ENCRYPTION_KEYS: keyring,
        ALLOW_LOOPBACK_JWKS: 'true',
        // The key set re-check judges key sets by what the emulators advertise.
        SANDBOX_AIDBOX_URL: emulators.sandbox.url,
        PRODUCTION_AIDBOX_URL: emulators.production.url,
      });
      const logger = pino({ level: 'silent' });
      const metrics = createNotifierMetrics(db);
      const notifier = await startNotifier({
        config,
        db,
        transport: createTransport({ jsonTransport: true }),
        logger,
        metrics,
        recurring: options.recurring ?? scheduledWorks(config, db, metrics, logger),
      });
      cleanups.push(async () => {
        await notifier.stop();
        await db.destroy();
      });
      return notifier;
    },
    provisionerEnv(tuning = {}) {
      const defaults = workerDefaults(tuning);
      return {
        DATABASE_URL: databaseUrl,
        SECRET_ENCRYPTION_KEYS: keyring,
        LOG_LEVEL: 'silent',
        ...provisionerAidboxEnv(aidbox),
        AIDBOX_TIMEOUT_MS: String(defaults.aidboxTimeoutMs),
        WORKER_CONCURRENCY: String(defaults.concurrency),
        POLL_INTERVAL_MS: String(defaults.pollIntervalMs),
        RESYNC_INTERVAL_MS: String(defaults.resyncIntervalMs),
        SECRET_CUTOVER_INTERVAL_MS: String(defaults.secretCutoverIntervalMs),
        MAX_ATTEMPTS: String(defaults.maxAttempts),
        MAX_BACKOFF_MS: String(defaults.maxBackoffMs),
        ...(tuning.leaseMs !== undefined && { LEASE_MS: String(tuning.leaseMs) }),
        // Any free port: several test provisioners run at once.
        METRICS_PORT: '0',
      };
    },
    async waitForEnvironment(serviceId, environment, state, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        const { body } = await developer
          .api('GET', `/backend-services/${serviceId}`)
          .then(async (r) => (r.status === 404 ? admin.api('GET', `/admin/backend-services/${serviceId}`) : r));
        last = body?.environments?.[environment];
        if ((last as { state?: string } | null)?.state === state) return body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${environment} of ${serviceId} did not become ${state}; last seen ${JSON.stringify(last)}`);
    },
  };
}
