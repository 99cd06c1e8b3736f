import { assertValid, readEnv, readKeyring, StringEnum } from '@payerbox/config';
import { ENVIRONMENTS, type Environment, type WebhookRetryPolicy } from '@payerbox/domain';
import type { Keyring } from '@payerbox/secret-box';
import { Type } from 'typebox';

const EnvSchema = Type.Object({
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 2, maximum: 100, default: 5 }),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** The portal's address as people open it: e-mails link to a service's page there (the admin portal under /admin). */
  PUBLIC_URL: Type.String({ pattern: '^https?://[^/]+$', default: 'http://localhost:3000' }),
  SMTP_HOST: Type.String({ minLength: 1 }),
  SMTP_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
  /**
   * `tls`: TLS from the first byte (SMTPS, usually port 465); `starttls`: upgrade with STARTTLS and refuse a server that
   * does not offer it (submission, port 587); `none`: plain SMTP, only for a development mail catcher on loopback.
   */
  SMTP_TLS: StringEnum(['tls', 'starttls', 'none'], { default: 'starttls' }),
  SMTP_USER: Type.Optional(Type.String({ minLength: 1 })),
  SMTP_PASSWORD: Type.Optional(Type.String({ minLength: 1 })),
  /** The sender of every e-mail, e.g. `Payerbox portal <no-reply@payer.example>`. */
  MAIL_FROM: Type.String({ minLength: 3 }),
  /** One SMTP conversation's limit (connect, greeting, each command); a stalled server fails the attempt, retried. */
  SMTP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 300_000, default: 30_000 }),
  /** Jobs one notifier process runs at once. */
  WORKER_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 100, default: 5 }),
  /** Polling for jobs due later (retries); new jobs arrive by NOTIFY at once. */
  POLL_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 2_000 }),
  /**
   * How long a notifier may stay silent before the others take back the jobs it holds (it beats every third of this).
   * graphile-worker alone would keep a crashed worker's job for four hours.
   */
  LEASE_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 60_000 }),
  /**
   * Attempts of one e-mail before it is given up. Retries back off exponentially up to about six hours apart
   * (graphile-worker: e^min(attempt, 10) seconds), so the default keeps trying for about ten days of outage.
   */
  EMAIL_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10_000, default: 50 }),
  /** Opens the webhook endpoints' signing secrets (the registration service's keyring, which sealed them). */
  SECRET_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  /**
   * Development only, like the registration service's variable of the same name: lets webhook deliveries reach
   * loopback (over http too), exactly where the portal lets key set URLs do so. Every other private range stays refused.
   */
  ALLOW_LOOPBACK_JWKS: StringEnum(['true', 'false'], { default: 'false' }),
  /** One webhook attempt's limit, from resolving the host to the end of the response. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
  /** The wait after a delivery's first failed attempt; each next wait doubles, up to WEBHOOK_RETRY_MAX_DELAY_MS. */
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ minimum: 10, maximum: 3_600_000, default: 5_000 }),
  WEBHOOK_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 10, maximum: 86_400_000, default: 3_600_000 }),
  /** How long a delivery is retried, from its first attempt; then its endpoint is marked failing. */
  WEBHOOK_RETRY_WINDOW_MS: Type.Integer({ minimum: 0, maximum: 7 * 86_400_000, default: 86_400_000 }),
  /**
   * The key set re-check: the key set of every Active `jwks_uri` service is fetched again once per this interval, each
   * service at its own time within it.
   */
  JWKS_RECHECK_INTERVAL_SECONDS: Type.Integer({ minimum: 1, maximum: 30 * 86_400, default: 86_400 }),
  /**
   * Where the notifier reads each Aidbox's SMART configuration (the algorithms a key set is judged against), as the
   * registration service does: SANDBOX_AIDBOX_URL, or else SANDBOX_AIDBOX_PUBLIC_URL; the same for production.
   */
  SANDBOX_AIDBOX_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  SANDBOX_AIDBOX_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  PRODUCTION_AIDBOX_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  PRODUCTION_AIDBOX_PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  /** A SMART configuration read longer ago than this is read again, in the background, on its next use. */
  SMART_CONFIGURATION_MAX_AGE_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 300 }),
  /**
   * The wait between two scans for API tokens about to expire (each noticed once, however often this runs). At most a
   * day, so a token is noticed days before it expires.
   */
  API_TOKEN_EXPIRY_SCAN_INTERVAL_MS: Type.Integer({ minimum: 100, maximum: 86_400_000, default: 3_600_000 }),
  METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9465 }),
  /** Loopback by default; `0.0.0.0` in containers so a scraper can reach it. */
  METRICS_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  /** Longest wait for the deliveries in hand after SIGTERM before the process exits anyway. */
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 3_600_000, default: 30_000 }),
});

export type SmtpTls = 'tls' | 'starttls' | 'none';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: SmtpTls;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly from: string;
  readonly timeoutMs: number;
}

export interface NotifierConfig {
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly logLevel: string;
  readonly publicUrl: string;
  readonly smtp: SmtpSettings;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  readonly emailMaxAttempts: number;
  readonly webhooks: {
    readonly keyring: Keyring;
    readonly allowLoopback: boolean;
    readonly timeoutMs: number;
    readonly retry: WebhookRetryPolicy;
  };
  readonly keySetRecheck: {
    readonly intervalMs: number;
    /** Where the notifier reads each environment's SMART configuration. */
    readonly aidboxUrls: Readonly<Record<Environment, string>>;
    readonly smartConfigurationMaxAgeSeconds: number;
    /** The same allowance as the registration service's key set checks (ALLOW_LOOPBACK_JWKS). */
    readonly allowLoopback: boolean;
  };
  readonly apiTokenExpiryScanIntervalMs: number;
  readonly metrics: { readonly host: string; readonly port: number };
  readonly shutdownGraceMs: number;
}

/** Each environment's Aidbox URL for the re-check, the internal one before the public one; a problem when neither. */
function aidboxUrls(
  given: Readonly<Record<Environment, string | undefined>>,
  problems: Set<string>,
): Record<Environment, string> {
  for (const environment of ENVIRONMENTS) {
    if (given[environment] !== undefined) continue;
    const prefix = environment.toUpperCase();
    problems.add(
      `${prefix}_AIDBOX_URL: is required (or ${prefix}_AIDBOX_PUBLIC_URL): the key set re-check reads the ${environment} Aidbox's SMART configuration`,
    );
  }
  return given as Record<Environment, string>;
}

/** Reads and validates the notifier's configuration; every bad variable is reported at once. */
export function loadNotifierConfig(env: Record<string, string | undefined>): NotifierConfig {
  const { values, problems } = readEnv(EnvSchema, env);
  const keyring = readKeyring('SECRET_ENCRYPTION_KEYS', values.SECRET_ENCRYPTION_KEYS, problems);
  const urls = aidboxUrls(
    {
      sandbox: values.SANDBOX_AIDBOX_URL ?? values.SANDBOX_AIDBOX_PUBLIC_URL,
      production: values.PRODUCTION_AIDBOX_URL ?? values.PRODUCTION_AIDBOX_PUBLIC_URL,
    },
    problems,
  );
  if ((values.SMTP_USER === undefined) !== (values.SMTP_PASSWORD === undefined)) {
    problems.add('SMTP_USER and SMTP_PASSWORD: set both to sign in to the SMTP server, or neither');
  }
  assertValid(problems);
  return Object.freeze({
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    logLevel: values.LOG_LEVEL,
    publicUrl: values.PUBLIC_URL,
    smtp: Object.freeze({
      host: values.SMTP_HOST,
      port: values.SMTP_PORT,
      tls: values.SMTP_TLS,
      user: values.SMTP_USER,
      password: values.SMTP_PASSWORD,
      from: values.MAIL_FROM,
      timeoutMs: values.SMTP_TIMEOUT_MS,
    }),
    concurrency: values.WORKER_CONCURRENCY,
    pollIntervalMs: values.POLL_INTERVAL_MS,
    leaseMs: values.LEASE_MS,
    emailMaxAttempts: values.EMAIL_MAX_ATTEMPTS,
    webhooks: Object.freeze({
      keyring: keyring as Keyring,
      allowLoopback: values.ALLOW_LOOPBACK_JWKS === 'true',
      timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      retry: Object.freeze({
        baseMs: values.WEBHOOK_RETRY_BASE_MS,
        maxDelayMs: values.WEBHOOK_RETRY_MAX_DELAY_MS,
        windowMs: values.WEBHOOK_RETRY_WINDOW_MS,
      }),
    }),
    keySetRecheck: Object.freeze({
      intervalMs: values.JWKS_RECHECK_INTERVAL_SECONDS * 1000,
      aidboxUrls: Object.freeze(urls),
      smartConfigurationMaxAgeSeconds: values.SMART_CONFIGURATION_MAX_AGE_SECONDS,
      allowLoopback: values.ALLOW_LOOPBACK_JWKS === 'true',
    }),
    apiTokenExpiryScanIntervalMs: values.API_TOKEN_EXPIRY_SCAN_INTERVAL_MS,
    metrics: Object.freeze({ host: values.METRICS_HOST, port: values.METRICS_PORT }),
    shutdownGraceMs: values.SHUTDOWN_GRACE_MS,
  });
}
