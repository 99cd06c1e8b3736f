import { generateKeyringSpec } from '@payerbox/secret-box';
import t from 'tap';
import { ConfigError, loadConfig } from '../src/config.ts';

const DATABASE_URL = 'postgres://portal:portal@127.0.0.1:5432/portal';
const SECRET_ENCRYPTION_KEYS = generateKeyringSpec('k1');
const AIDBOX = {
  SANDBOX_AIDBOX_PUBLIC_URL: 'https://sandbox.aidbox.test',
  PRODUCTION_AIDBOX_PUBLIC_URL: 'https://aidbox.test',
};
const REQUIRED = { DATABASE_URL, SECRET_ENCRYPTION_KEYS, ...AIDBOX };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

t.test('fills in defaults for everything but the database', async (t) => {
  const { secretKeyring, ...config } = loadConfig(REQUIRED);
  t.equal(secretKeyring.activeKeyId, 'k1');
  t.same(config, {
    mode: 'production',
    host: 'localhost',
    port: 3000,
    databaseUrl: DATABASE_URL,
    databasePoolSize: 10,
    databasePreparedStatements: true,
    logLevel: 'info',
    publicUrl: 'http://localhost:3000',
    apiTokenMaxDays: 365,
    apiTokenCacheSeconds: 60,
    secretCutoverDeadlineSeconds: 604_800,
    allowLoopbackJwks: false,
    aidboxPublicUrls: { sandbox: 'https://sandbox.aidbox.test', production: 'https://aidbox.test' },
    sandboxSampleGroupIds: [],
    aidboxUrls: { sandbox: 'https://sandbox.aidbox.test', production: 'https://aidbox.test' },
    smartConfigurationMaxAgeSeconds: 300,
    oidc: undefined,
    session: { absoluteMinutes: 720, idleMinutes: 30 },
    spaDirs: { developer: undefined, admin: undefined },
    orgbac: undefined,
    metricsToken: undefined,
    shutdownGraceMs: 10_000,
    rateLimits: { writesPerUser: 60, writesPerAddress: 300, anonymousPerAddress: 600 },
    trustedProxies: false,
  });
  t.ok(Object.isFrozen(loadConfig(REQUIRED)), 'the configuration cannot be changed afterwards');
});

t.test('reads every variable, converting numbers', async (t) => {
  const { secretKeyring: _keyring, ...config } = loadConfig({
    SECRET_ENCRYPTION_KEYS,
    ...AIDBOX,
    PORTAL_MODE: 'development',
    HOST: '0.0.0.0',
    PORT: '8080',
    DATABASE_URL: 'postgresql://db.internal/portal',
    DATABASE_POOL_SIZE: '25',
    DATABASE_PREPARED_STATEMENTS: 'false',
    LOG_LEVEL: 'debug',
    PUBLIC_URL: 'https://portal.payer.example',
    API_TOKEN_MAX_DAYS: '30',
    API_TOKEN_CACHE_SECONDS: '0',
    SECRET_CUTOVER_DEADLINE_SECONDS: '86400',
    WRITE_RATE_LIMIT_PER_USER: '20',
    WRITE_RATE_LIMIT_PER_ADDRESS: '100',
    ANONYMOUS_RATE_LIMIT_PER_ADDRESS: '1000',
    TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1,uniquelocal',
    SANDBOX_AIDBOX_URL: 'http://aidbox-sandbox:8080',
    SANDBOX_SAMPLE_GROUP_IDS: 'group-all-members, group-east-members',
    PRODUCTION_AIDBOX_URL: 'http://aidbox-production:8080',
    SMART_CONFIGURATION_MAX_AGE_SECONDS: '60',
  });
  t.same(config, {
    mode: 'development',
    host: '0.0.0.0',
    port: 8080,
    databaseUrl: 'postgresql://db.internal/portal',
    databasePoolSize: 25,
    databasePreparedStatements: false,
    logLevel: 'debug',
    publicUrl: 'https://portal.payer.example',
    apiTokenMaxDays: 30,
    apiTokenCacheSeconds: 0,
    secretCutoverDeadlineSeconds: 86_400,
    allowLoopbackJwks: true,
    aidboxPublicUrls: { sandbox: 'https://sandbox.aidbox.test', production: 'https://aidbox.test' },
    sandboxSampleGroupIds: ['group-all-members', 'group-east-members'],
    aidboxUrls: { sandbox: 'http://aidbox-sandbox:8080', production: 'http://aidbox-production:8080' },
    smartConfigurationMaxAgeSeconds: 60,
    oidc: undefined,
    session: { absoluteMinutes: 720, idleMinutes: 30 },
    spaDirs: { developer: undefined, admin: undefined },
    orgbac: undefined,
    metricsToken: undefined,
    shutdownGraceMs: 10_000,
    rateLimits: { writesPerUser: 20, writesPerAddress: 100, anonymousPerAddress: 1000 },
    trustedProxies: ['10.0.0.0/8', '192.0.2.1', 'uniquelocal'],
  });
});

t.test('reads the sandbox sample Group ids as comma-separated FHIR ids, once each', async (t) => {
  t.same(loadConfig({ ...REQUIRED, SANDBOX_SAMPLE_GROUP_IDS: 'g-1,g.2,g-1' }).sandboxSampleGroupIds, ['g-1', 'g.2']);
  t.same(loadConfig({ ...REQUIRED, SANDBOX_SAMPLE_GROUP_IDS: '' }).sandboxSampleGroupIds, [], 'empty is unset');
  for (const value of ['group/1', 'a,,b', 'a,', 'g 1', 'x'.repeat(65), 'Group/group-all-members']) {
    t.same(
      problemsOf({ ...REQUIRED, SANDBOX_SAMPLE_GROUP_IDS: value }),
      ['SANDBOX_SAMPLE_GROUP_IDS: must list FHIR ids (letters, digits, "-" and ".", at most 64), comma-separated'],
      value,
    );
  }
});

t.test('reads the sign-in settings as a whole, or not at all', async (t) => {
  const oidc = {
    OIDC_ISSUER_URL: 'https://login.payer.example/realms/payerbox',
    OIDC_CLIENT_ID: 'backend-services-portal',
    OIDC_CLIENT_SECRET: 'portal-secret',
  };
  t.match(loadConfig({ ...REQUIRED, ...oidc, PUBLIC_URL: 'https://portal.payer.example' }).oidc, {
    issuer: oidc.OIDC_ISSUER_URL,
    clientId: 'backend-services-portal',
    scopes: 'openid email profile',
    rolesClaim: 'roles',
    adminRole: 'admin',
    audience: 'backend-services-portal',
  });
  t.same(problemsOf({ ...REQUIRED, OIDC_ISSUER_URL: oidc.OIDC_ISSUER_URL }).sort(), [
    'OIDC_CLIENT_ID: is required when sign-in is configured',
    'OIDC_CLIENT_SECRET: is required when sign-in is configured',
  ]);
  t.match(problemsOf({ ...REQUIRED, ...oidc }), [/PUBLIC_URL: must be https in production mode/]);
});

t.test('serves the built SPAs only from the absolute folders it is given', async (t) => {
  const config = loadConfig({ ...REQUIRED, DEVELOPER_APP_DIR: '/srv/developer', ADMIN_APP_DIR: '/srv/admin' });
  t.same(config.spaDirs, { developer: '/srv/developer', admin: '/srv/admin' });
  t.same(loadConfig({ ...REQUIRED, DEVELOPER_APP_DIR: '/srv/developer' }).spaDirs, {
    developer: '/srv/developer',
    admin: undefined,
  });
  t.same(problemsOf({ ...REQUIRED, DEVELOPER_APP_DIR: 'apps/developer/dist', ADMIN_APP_DIR: './dist' }).sort(), [
    'ADMIN_APP_DIR: must be an absolute path',
    'DEVELOPER_APP_DIR: must be an absolute path',
  ]);
});

t.test('turns organizations (OrgBAC) on with the read-only client of the production Aidbox', async (t) => {
  const production = {
    PRODUCTION_AIDBOX_URL: 'http://aidbox-production:8080',
    PRODUCTION_AIDBOX_READER_CLIENT_ID: 'portal-reader',
    PRODUCTION_AIDBOX_READER_CLIENT_SECRET: 'reader-secret',
  };
  const config = loadConfig({ ...REQUIRED, ...production, ORGBAC_ENABLED: 'true' });
  t.same(config.orgbac, {
    productionAidbox: {
      url: 'http://aidbox-production:8080',
      clientId: 'portal-reader',
      clientSecret: 'reader-secret',
    },
    organizationsMaxAgeSeconds: 600,
  });
  t.ok(Object.isFrozen(config.orgbac));
  t.equal(
    loadConfig({ ...REQUIRED, ...production, ORGBAC_ENABLED: 'true', ORGANIZATIONS_MAX_AGE_SECONDS: '60' }).orgbac
      ?.organizationsMaxAgeSeconds,
    60,
  );
  t.equal(loadConfig({ ...REQUIRED, ...production }).orgbac, undefined, 'off unless asked for');
  t.equal(loadConfig({ ...REQUIRED, ORGBAC_ENABLED: 'false' }).orgbac, undefined);
});

t.test('with OrgBAC on, names every missing production Aidbox setting at once, and which client to give', async (t) => {
  const which = " (the read-only portal-reader client; not the provisioner's PRODUCTION_AIDBOX_CLIENT_ID/_SECRET)";
  t.same(problemsOf({ ...REQUIRED, ORGBAC_ENABLED: 'true' }).sort(), [
    `PRODUCTION_AIDBOX_READER_CLIENT_ID: is required when ORGBAC_ENABLED is true${which}`,
    `PRODUCTION_AIDBOX_READER_CLIENT_SECRET: is required when ORGBAC_ENABLED is true${which}`,
    'PRODUCTION_AIDBOX_URL: is required when ORGBAC_ENABLED is true',
  ]);
  t.same(
    problemsOf({
      ...REQUIRED,
      ORGBAC_ENABLED: 'yes',
      PRODUCTION_AIDBOX_URL: 'aidbox:8080',
      ORGANIZATIONS_MAX_AGE_SECONDS: '0',
    })
      .map((problem) => problem.split(':')[0])
      .sort(),
    ['ORGANIZATIONS_MAX_AGE_SECONDS', 'ORGBAC_ENABLED', 'PRODUCTION_AIDBOX_URL'],
  );
  t.match(
    problemsOf({
      ...REQUIRED,
      ORGBAC_ENABLED: 'true',
      PRODUCTION_AIDBOX_URL: 'http://aidbox:8080',
      PRODUCTION_AIDBOX_READER_CLIENT_ID: 'a:b',
      PRODUCTION_AIDBOX_READER_CLIENT_SECRET: 's',
    }),
    [/PRODUCTION_AIDBOX_READER_CLIENT_ID: must not contain ":"/],
  );
});

t.test('treats empty variables as unset and ignores unknown ones', async (t) => {
  const config = loadConfig({ ...REQUIRED, PORT: '', LOG_LEVEL: '', SOMETHING_ELSE: 'whatever' });
  t.equal(config.port, 3000);
  t.equal(config.logLevel, 'info');
});

t.test('requires the database, the secret encryption keys and the Aidbox URLs', async (t) => {
  t.same(problemsOf({}).sort(), [
    'DATABASE_URL: is required',
    'PRODUCTION_AIDBOX_PUBLIC_URL: is required',
    'SANDBOX_AIDBOX_PUBLIC_URL: is required',
    'SECRET_ENCRYPTION_KEYS: is required',
  ]);
  t.same(problemsOf({ ...REQUIRED, DATABASE_URL: '' }), ['DATABASE_URL: is required']);
});

t.test('refuses malformed secret encryption keys without echoing them', async (t) => {
  const problems = problemsOf({ ...REQUIRED, SECRET_ENCRYPTION_KEYS: 'k1:dG9vLXNob3J0' });
  t.same(problems, ['SECRET_ENCRYPTION_KEYS: key k1 must be 32 bytes of base64']);
});

t.test('allows loopback JWKS URIs in development mode only', async (t) => {
  t.equal(loadConfig({ ...REQUIRED, PORTAL_MODE: 'development' }).allowLoopbackJwks, true);
  t.equal(
    loadConfig({ ...REQUIRED, PORTAL_MODE: 'development', ALLOW_LOOPBACK_JWKS: 'false' }).allowLoopbackJwks,
    false,
  );
  t.equal(loadConfig(REQUIRED).allowLoopbackJwks, false);
  t.match(problemsOf({ ...REQUIRED, ALLOW_LOOPBACK_JWKS: 'true' }), [
    /ALLOW_LOOPBACK_JWKS: must not be true in production/,
  ]);
});

t.test('reports every bad variable at once', async (t) => {
  const problems = problemsOf({
    SECRET_ENCRYPTION_KEYS,
    ...AIDBOX,
    PORTAL_MODE: 'staging',
    PORT: '70000',
    DATABASE_URL: 'mysql://db/portal',
    DATABASE_POOL_SIZE: '0',
    LOG_LEVEL: 'loud',
    PUBLIC_URL: 'https://portal.payer.example/path',
    API_TOKEN_MAX_DAYS: '5000',
    API_TOKEN_CACHE_SECONDS: '-1',
  });
  const named = problems.map((problem) => problem.split(':')[0]).sort();
  t.same(named, [
    'API_TOKEN_CACHE_SECONDS',
    'API_TOKEN_MAX_DAYS',
    'DATABASE_POOL_SIZE',
    'DATABASE_URL',
    'LOG_LEVEL',
    'PORT',
    'PORTAL_MODE',
    'PUBLIC_URL',
  ]);
  try {
    loadConfig({ PORT: 'abc' });
    t.fail('should have thrown');
  } catch (error) {
    t.type(error, ConfigError);
    t.match((error as Error).message, /DATABASE_URL: is required/);
    t.match((error as Error).message, /PORT: must be integer/);
  }
});

t.test('never echoes the values it refuses', async (t) => {
  const secret = 'hunter2-s3cr3t';
  const env = {
    SECRET_ENCRYPTION_KEYS,
    ...AIDBOX,
    DATABASE_URL: `mysql://portal:${secret}@db/portal`,
    PORT: secret,
    LOG_LEVEL: secret,
    PORTAL_MODE: secret,
    PUBLIC_URL: `ftp://${secret}`,
    HOST: secret,
  };
  try {
    loadConfig(env);
    t.fail('should have thrown');
  } catch (error) {
    t.type(error, ConfigError);
    t.equal((error as ConfigError).problems.length, 5);
    t.notMatch((error as Error).message, secret);
    t.notMatch(JSON.stringify((error as ConfigError).problems), secret);
  }
});

t.test('refuses integers that are not plain decimal numbers', async (t) => {
  for (const value of ['1.5', 'true', '0x10', '1e3', '8080abc', '-1']) {
    t.same(
      problemsOf({ ...REQUIRED, PORT: value }).map((p) => p.split(':')[0]),
      ['PORT'],
      `PORT=${value}`,
    );
  }
  t.equal(loadConfig({ ...REQUIRED, PORT: ' 8080 ' }).port, 8080, 'surrounding spaces are fine');
});

t.test('reads the metrics token and the shutdown grace period, refusing a short token', async (t) => {
  const config = loadConfig({ ...REQUIRED, METRICS_TOKEN: 'a'.repeat(32), SHUTDOWN_GRACE_MS: '2500' });
  t.equal(config.metricsToken, 'a'.repeat(32));
  t.equal(config.shutdownGraceMs, 2_500);
  const problems = problemsOf({ ...REQUIRED, METRICS_TOKEN: 'short', SHUTDOWN_GRACE_MS: '-1' });
  t.ok(problems.some((p) => p.startsWith('METRICS_TOKEN:')));
  t.ok(problems.some((p) => p.startsWith('SHUTDOWN_GRACE_MS:')));
  t.notOk(problems.join(' ').includes('short'), 'the token is not echoed');
});

t.test('refuses rate limits of zero or beyond ten million a minute', async (t) => {
  const names = ['WRITE_RATE_LIMIT_PER_USER', 'WRITE_RATE_LIMIT_PER_ADDRESS', 'ANONYMOUS_RATE_LIMIT_PER_ADDRESS'];
  for (const value of ['0', '10000001']) {
    const problems = problemsOf({ ...REQUIRED, ...Object.fromEntries(names.map((name) => [name, value])) });
    t.same(problems.map((p) => p.split(':')[0]).sort(), names.sort(), `${value} is refused`);
  }
  t.same(loadConfig({ ...REQUIRED, WRITE_RATE_LIMIT_PER_USER: '10000000' }).rateLimits.writesPerUser, 10_000_000);
});

t.test('trusts only proxies named by address, range or proxy-addr name', async (t) => {
  t.same(loadConfig({ ...REQUIRED, TRUSTED_PROXIES: 'loopback' }).trustedProxies, ['loopback']);
  t.same(loadConfig({ ...REQUIRED, TRUSTED_PROXIES: 'fd00::/8,::1' }).trustedProxies, ['fd00::/8', '::1']);
  for (const value of ['true', '*', '0.0.0.0/0', '::/0', '10.0.0.0/8, nonsense', '10.0.0.0/33', 'proxy.internal']) {
    t.match(problemsOf({ ...REQUIRED, TRUSTED_PROXIES: value }), [/^TRUSTED_PROXIES: must list addresses/], value);
  }
});
