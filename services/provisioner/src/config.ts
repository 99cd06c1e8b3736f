import { assertValid, readEnv, readKeyring, StringEnum } from '@payerbox/config';
import type { Environment } from '@payerbox/domain';
import type { Keyring } from '@payerbox/secret-box';
import { Type } from 'typebox';

const AidboxUrl = Type.String({ pattern: '^https?://[^?#]+$' });

const EnvSchema = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 100, default: 5 }),
  SECRET_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /**
   * How the provisioner reaches each Aidbox, and the provisioning client it authenticates as (Basic): the
   * `portal-provisioner` of infra/aidbox/, whose policies allow only the portal's Clients and their AccessPolicies.
   */
  SANDBOX_AIDBOX_URL: AidboxUrl,
  SANDBOX_AIDBOX_CLIENT_ID: Type.String({ minLength: 1 }),
  SANDBOX_AIDBOX_CLIENT_SECRET: Type.String({ minLength: 1 }),
  PRODUCTION_AIDBOX_URL: AidboxUrl,
  PRODUCTION_AIDBOX_CLIENT_ID: Type.String({ minLength: 1 }),
  PRODUCTION_AIDBOX_CLIENT_SECRET: Type.String({ minLength: 1 }),
  AIDBOX_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /** Jobs one worker process runs at once. */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 8 }),
  /** Polling fallback when no NOTIFY arrives. */
  POLL_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1_000 }),
  /** How often the drift check looks for environments not verified for that long. */
  RESYNC_INTERVAL_MS: Type.Integer({ minimum: 1_000, maximum: 86_400_000, default: 300_000 }),
  /**
   * How often the provisioner looks for production secret cutovers whose deadline passed, to switch them: the
   * deadline takes effect at most this much later.
   */
  SECRET_CUTOVER_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 3_600_000, default: 60_000 }),
  MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 8 }),
  /** Longest pause between two attempts of one job. */
  MAX_BACKOFF_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 60_000 }),
  WORKER_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** How long a claimed job stays this worker's; a worker that dies hands its jobs over after this long. */
  LEASE_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 120_000 }),
  /** The metrics and health listener (`/metrics`, `/health`, `/ready`). */
  METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
  /** Loopback by default, like the registration service's HOST; `0.0.0.0` in containers so a scraper can reach it. */
  METRICS_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /** Longest wait for the jobs in hand after SIGTERM before the process exits anyway. */
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
});

export interface AidboxConnection {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface ProvisionerConfig {
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly secretKeyring: Keyring;
  readonly logLevel: string;
  readonly aidbox: Readonly<Record<Environment, AidboxConnection>>;
  readonly aidboxTimeoutMs: number;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly resyncIntervalMs: number;
  readonly secretCutoverIntervalMs: number;
  readonly maxAttempts: number;
  readonly maxBackoffMs: number;
  readonly workerId: string | undefined;
  readonly leaseMs: number;
  readonly metrics: { readonly host: string; readonly port: number };
  readonly shutdownGraceMs: number;
}

/** Reads and validates the provisioner's configuration; every bad variable is reported at once. */
export function loadProvisionerConfig(env: Record<string, string | undefined>): ProvisionerConfig {
  const { values, problems } = readEnv(EnvSchema, env);
  const keyring = readKeyring('SECRET_ENCRYPTION_KEYS', values.SECRET_ENCRYPTION_KEYS, problems);
  assertValid(problems);
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    secretKeyring: keyring as Keyring,
    logLevel: values.LOG_LEVEL,
    aidbox: Object.freeze({
      sandbox: {
        url: values.SANDBOX_AIDBOX_URL,
        clientId: values.SANDBOX_AIDBOX_CLIENT_ID,
        clientSecret: values.SANDBOX_AIDBOX_CLIENT_SECRET,
      },
      production: {
        url: values.PRODUCTION_AIDBOX_URL,
        clientId: values.PRODUCTION_AIDBOX_CLIENT_ID,
        clientSecret: values.PRODUCTION_AIDBOX_CLIENT_SECRET,
      },
    }),
    aidboxTimeoutMs: values.AIDBOX_TIMEOUT_MS,
    concurrency: values.WORKER_CONCURRENCY,
    pollIntervalMs: values.POLL_INTERVAL_MS,
    resyncIntervalMs: values.RESYNC_INTERVAL_MS,
    secretCutoverIntervalMs: values.SECRET_CUTOVER_INTERVAL_MS,
    maxAttempts: values.MAX_ATTEMPTS,
    maxBackoffMs: values.MAX_BACKOFF_MS,
    workerId: values.WORKER_ID,
    leaseMs: values.LEASE_MS,
    metrics: Object.freeze({
      host: values.METRICS_HOST,
      port: values.METRICS_PORT,
    }),
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
  });
}
