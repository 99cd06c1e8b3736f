import { ConfigError } from '@payerbox/config';
import { generateKeyringSpec } from '@payerbox/secret-box';
import t from 'tap';
import { loadProvisionerConfig } from '../src/config.ts';

const REQUIRED = {
  DATABASE_URL: 'postgres://portal@127.0.0.1/portal',
  SECRET_ENCRYPTION_KEYS: generateKeyringSpec('k1'),
  SANDBOX_AIDBOX_URL: 'http://aidbox-sandbox:8080',
  SANDBOX_AIDBOX_CLIENT_ID: 'portal',
  SANDBOX_AIDBOX_CLIENT_SECRET: 'sandbox-secret',
  PRODUCTION_AIDBOX_URL: 'https://aidbox.payer.example',
  PRODUCTION_AIDBOX_CLIENT_ID: 'portal',
  PRODUCTION_AIDBOX_CLIENT_SECRET: 'production-secret',
};

t.test('reads both Aidbox connections and fills in worker defaults', async (t) => {
  const config = loadProvisionerConfig(REQUIRED);
  t.match(config, {
    aidbox: {
      sandbox: { url: 'http://aidbox-sandbox:8080', clientId: 'portal', clientSecret: 'sandbox-secret' },
      production: { url: 'https://aidbox.payer.example' },
    },
    concurrency: 8,
    pollIntervalMs: 1_000,
    maxAttempts: 8,
    leaseMs: 120_000,
  });
  t.equal(config.secretKeyring.activeKeyId, 'k1');
});

t.test('reports every missing or bad variable at once, without their values', async (t) => {
  try {
    loadProvisionerConfig({
      ...REQUIRED,
      SANDBOX_AIDBOX_URL: 'ftp://nope',
      WORKER_CONCURRENCY: '0',
      SANDBOX_AIDBOX_CLIENT_SECRET: '',
    });
    t.fail('should have thrown');
  } catch (error) {
    t.type(error, ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
    t.same(names, ['SANDBOX_AIDBOX_CLIENT_SECRET', 'SANDBOX_AIDBOX_URL', 'WORKER_CONCURRENCY']);
    t.notMatch((error as Error).message, /nope/);
  }
});

t.test('needs no settings of its own for multi-organization (OrgBAC) deployments', async (t) => {
  // The organization of a service comes from its row; the registration service's OrgBAC settings change nothing here.
  const { secretKeyring: _plain, ...plain } = loadProvisionerConfig(REQUIRED);
  const { secretKeyring: _orgbac, ...orgbac } = loadProvisionerConfig({
    ...REQUIRED,
    ORGBAC_ENABLED: 'true',
    ORGANIZATIONS_MAX_AGE_SECONDS: '60',
  });
  t.same(orgbac, plain);
});

t.test('serves metrics on loopback port 9464 unless told otherwise, and drains for 30 s at most', async (t) => {
  t.match(loadProvisionerConfig(REQUIRED), { metrics: { host: '127.0.0.1', port: 9464 }, shutdownGraceMs: 30_000 });
  const moved = loadProvisionerConfig({
    ...REQUIRED,
    METRICS_HOST: '0.0.0.0',
    METRICS_PORT: '0',
    SHUTDOWN_GRACE_MS: '5000',
  });
  t.match(moved, { metrics: { host: '0.0.0.0', port: 0 }, shutdownGraceMs: 5_000 });
  t.throws(() => loadProvisionerConfig({ ...REQUIRED, METRICS_PORT: '70000' }), ConfigError);
});
