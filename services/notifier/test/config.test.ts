import { ConfigError } from '@payerbox/config';
import { generateKeyringSpec } from '@payerbox/secret-box';
import t from 'tap';
import { loadNotifierConfig } from '../src/config.ts';

const REQUIRED = {
  SECRET_ENCRYPTION_KEYS: generateKeyringSpec('k1'),
  DATABASE_URL: 'postgres://portal@127.0.0.1/portal',
  SMTP_HOST: 'smtp.payer.example',
  MAIL_FROM: 'Payerbox portal <no-reply@payer.example>',
  SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.payer.example',
  PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.payer.example',
};

t.test('reads the SMTP server and fills in defaults: submission port with STARTTLS required', async (t) => {
  const config = loadNotifierConfig({ ...REQUIRED, SMTP_USER: 'portal', SMTP_PASSWORD: 'mail-secret' });
  t.match(config, {
    publicUrl: 'http://localhost:3000',
    smtp: { host: 'smtp.payer.example', port: 587, tls: 'starttls', user: 'portal', password: 'mail-secret' },
    leaseMs: 60_000,
    emailMaxAttempts: 50,
  });
});

t.test('webhooks: 10 s per attempt, retried with backoff for 24 hours, never to loopback unless allowed', async (t) => {
  const config = loadNotifierConfig(REQUIRED);
  t.match(config.webhooks, {
    allowLoopback: false,
    timeoutMs: 10_000,
    retry: { baseMs: 5_000, maxDelayMs: 3_600_000, windowMs: 86_400_000 },
  });
  t.equal(config.webhooks.keyring.activeKeyId, 'k1');
  t.equal(loadNotifierConfig({ ...REQUIRED, ALLOW_LOOPBACK_JWKS: 'true' }).webhooks.allowLoopback, true);
});

t.test('scans for expiring API tokens hourly unless told otherwise, and at least daily', async (t) => {
  t.equal(loadNotifierConfig(REQUIRED).apiTokenExpiryScanIntervalMs, 3_600_000);
  t.equal(
    loadNotifierConfig({ ...REQUIRED, API_TOKEN_EXPIRY_SCAN_INTERVAL_MS: '60000' }).apiTokenExpiryScanIntervalMs,
    60_000,
  );
  const error = t.throws(() =>
    loadNotifierConfig({ ...REQUIRED, API_TOKEN_EXPIRY_SCAN_INTERVAL_MS: String(2 * 86_400_000) }),
  ) as ConfigError;
  t.match(error.problems.join('\n'), /API_TOKEN_EXPIRY_SCAN_INTERVAL_MS/);
});

t.test('lists every bad variable at once, never echoing a value', async (t) => {
  const error = t.throws(() =>
    loadNotifierConfig({ DATABASE_URL: 'mysql://x', SMTP_TLS: 'maybe', SMTP_USER: 'portal-user' }),
  ) as ConfigError;
  t.type(error, ConfigError);
  t.match(error.problems.join('\n'), /DATABASE_URL/);
  t.match(error.problems.join('\n'), /SMTP_HOST: is required/);
  t.match(error.problems.join('\n'), /MAIL_FROM: is required/);
  t.match(error.problems.join('\n'), /SMTP_TLS/);
  t.match(error.problems.join('\n'), /SMTP_USER and SMTP_PASSWORD/);
  t.match(error.problems.join('\n'), /SANDBOX_AIDBOX_URL: is required \(or SANDBOX_AIDBOX_PUBLIC_URL\)/);
  t.match(error.problems.join('\n'), /PRODUCTION_AIDBOX_URL: is required/);
  t.notMatch(error.message, 'portal-user');
});

t.test(
  'the key set re-check runs daily by default and reads each Aidbox where the registration service does',
  async (t) => {
    const defaults = loadNotifierConfig(REQUIRED);
    t.match(defaults.keySetRecheck, {
      intervalMs: 86_400_000,
      aidboxUrls: { sandbox: 'https://sandbox.aidbox.payer.example', production: 'https://aidbox.payer.example' },
      smartConfigurationMaxAgeSeconds: 300,
      allowLoopback: false,
    });
    const inside = loadNotifierConfig({
      ...REQUIRED,
      JWKS_RECHECK_INTERVAL_SECONDS: '3600',
      SANDBOX_AIDBOX_URL: 'http://aidbox-sandbox:8080',
      PRODUCTION_AIDBOX_URL: 'http://aidbox-production:8080',
    });
    t.equal(inside.keySetRecheck.intervalMs, 3_600_000);
    t.same(
      inside.keySetRecheck.aidboxUrls,
      { sandbox: 'http://aidbox-sandbox:8080', production: 'http://aidbox-production:8080' },
      'the internal URLs come before the public ones',
    );
    t.throws(
      () => loadNotifierConfig({ ...REQUIRED, JWKS_RECHECK_INTERVAL_SECONDS: '0' }),
      /JWKS_RECHECK_INTERVAL_SECONDS/,
    );
  },
);
