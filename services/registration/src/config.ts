import { isAbsolute } from 'node:path';
import { assertValid, ConfigError, readEnv, readKeyring, StringEnum } from '@payerbox/config';
import type { Keyring } from '@payerbox/secret-box';
import ipaddr from 'ipaddr.js';
import { type Static, Type } from 'typebox';

export { ConfigError };

/** The largest per-minute limit accepted: far above any person, high enough for load tests to never meet it. */
const RATE_LIMIT_MAXIMUM = 10_000_000;

const EnvSchema = Type.Object({
  PORTAL_MODE: StringEnum(['development', 'production'], { default: 'production' }),
  HOST: Type.String({ minLength: 1, default: 'localhost' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** `false` runs the hot statements unnamed, for a pooler that cannot keep prepared statements (see the README). */
  DATABASE_PREPARED_STATEMENTS: StringEnum(['true', 'false'], { default: 'true' }),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Origin the portal is reached at; used for absolute links. */
  PUBLIC_URL: Type.String({ pattern: '^https?://[^/]+$', default: 'http://localhost:3000' }),
  /** Longest lifetime a personal access token may ask for. */
  API_TOKEN_MAX_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
  /**
   * Seconds a replica may keep the user behind an API token in memory (0: read it on every request). Revocations and
   * role changes reach every replica at once through PostgreSQL notifications; this only bounds the worst case.
   */
  API_TOKEN_CACHE_SECONDS: Type.Integer({ minimum: 0, maximum: 3600, default: 60 }),
  /**
   * How long a production secret cutover waits for its owner's confirmation before the provisioner switches to the
   * new secret by itself (7 days).
   */
  SECRET_CUTOVER_DEADLINE_SECONDS: Type.Integer({ minimum: 1, maximum: 7_776_000, default: 604_800 }),
  /** `kid:base64key[,kid:base64key...]`: AES-256 keys for client secrets at rest; the first one encrypts. */
  SECRET_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  /** Let JWKS URIs point at loopback (a local test client); development mode only, on there by default. */
  ALLOW_LOOPBACK_JWKS: Type.Optional(StringEnum(['true', 'false'])),
  /** Base URLs developers reach the Aidbox servers at (shown as environment constants). */
  SANDBOX_AIDBOX_PUBLIC_URL: Type.String({ pattern: '^https?://[^?#]+$' }),
  PRODUCTION_AIDBOX_PUBLIC_URL: Type.String({ pattern: '^https?://[^?#]+$' }),
  /**
   * Where this service itself reaches the sandbox Aidbox (its SMART configuration), when the public URL is not
   * reachable from inside the deployment; default SANDBOX_AIDBOX_PUBLIC_URL.
   */
  SANDBOX_AIDBOX_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  /** Ids of Groups in the sandbox's sample data (comma-separated), shown to developers for group-level exports. */
  SANDBOX_SAMPLE_GROUP_IDS: Type.Optional(Type.String({ minLength: 1 })),
  /** A SMART configuration read longer ago than this is read again, in the background, on its next use. */
  SMART_CONFIGURATION_MAX_AGE_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 300 }),
  /** OpenID Connect issuer the SPAs sign in with (and whose access tokens partner tools may send); off when unset. */
  OIDC_ISSUER_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  OIDC_SCOPES: Type.String({ minLength: 1, default: 'openid email profile' }),
  /** Claim holding the user's roles or groups; dots walk into objects (Keycloak: realm_access.roles). */
  OIDC_ROLES_CLAIM: Type.String({ minLength: 1, default: 'roles' }),
  /** The value in that claim that makes a user an administrator. */
  OIDC_ADMIN_ROLE: Type.String({ minLength: 1, default: 'admin' }),
  /** `aud` that access tokens sent as Bearer must carry; defaults to the client id. */
  OIDC_AUDIENCE: Type.Optional(Type.String({ minLength: 1 })),
  SESSION_ABSOLUTE_MINUTES: Type.Integer({ minimum: 5, maximum: 43_200, default: 720 }),
  SESSION_IDLE_MINUTES: Type.Integer({ minimum: 1, maximum: 43_200, default: 30 }),
  /** Built developer SPA (its `dist` folder, absolute), served at `/`; not served when unset. */
  DEVELOPER_APP_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** Built admin SPA (its `dist` folder, absolute), served at `/admin/`; not served when unset. */
  ADMIN_APP_DIR: Type.Optional(Type.String({ minLength: 1 })),
  /** Multi-organization deployments (Aidbox OrgBAC): services belong to an organization of the production Aidbox. */
  ORGBAC_ENABLED: StringEnum(['true', 'false'], { default: 'false' }),
  /**
   * Where this service itself reaches the production Aidbox: its SMART configuration (default
   * PRODUCTION_AIDBOX_PUBLIC_URL) and, with OrgBAC (then required), its organizations, read with the client below:
   * its own read-only client (`portal-reader` in infra/aidbox/), never the provisioner's, which may write Clients and
   * AccessPolicies.
   */
  PRODUCTION_AIDBOX_URL: Type.Optional(Type.String({ pattern: '^https?://[^?#]+$' })),
  PRODUCTION_AIDBOX_READER_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  PRODUCTION_AIDBOX_READER_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1 })),
  /** A cached organization list older than this is read again from Aidbox on the next read (in the background). */
  ORGANIZATIONS_MAX_AGE_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 600 }),
  /** When set, `/metrics` requires `Authorization: Bearer <this>`. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16 })),
  /** Longest wait for in-flight requests after SIGTERM before the process exits anyway. */
  SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 10_000 }),
  /** State-changing requests a minute per signed-in user, across all of the user's tokens and sessions. */
  WRITE_RATE_LIMIT_PER_USER: Type.Integer({ minimum: 1, maximum: RATE_LIMIT_MAXIMUM, default: 60 }),
  /** State-changing requests a minute per client address, whoever is signed in. */
  WRITE_RATE_LIMIT_PER_ADDRESS: Type.Integer({ minimum: 1, maximum: RATE_LIMIT_MAXIMUM, default: 300 }),
  /** Requests a minute per client address that end without a signed-in user (public reads, failed sign-ins). */
  ANONYMOUS_RATE_LIMIT_PER_ADDRESS: Type.Integer({ minimum: 1, maximum: RATE_LIMIT_MAXIMUM, default: 600 }),
  /**
   * The proxies in front of the service (addresses, CIDR ranges, or `loopback`, `linklocal`, `uniquelocal`), whose
   * X-Forwarded-For names the client; unset trusts none, and the peer is the client.
   */
  TRUSTED_PROXIES: Type.Optional(Type.String({ minLength: 1 })),
});

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  readonly rolesClaim: string;
  readonly adminRole: string;
  readonly audience: string;
}

/** Multi-organization (OrgBAC) settings. */
export interface OrgbacSettings {
  /** Where the organizations are read from: the production Aidbox, as the read-only client that may do only that. */
  readonly productionAidbox: { readonly url: string; readonly clientId: string; readonly clientSecret: string };
  readonly organizationsMaxAgeSeconds: number;
}

export interface Config {
  readonly mode: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /** Whether the hot statements run as named prepared statements (false: unnamed, for transaction-mode poolers). */
  readonly databasePreparedStatements: boolean;
  readonly logLevel: string;
  readonly publicUrl: string;
  readonly apiTokenMaxDays: number;
  /** 0 turns the token cache off. */
  readonly apiTokenCacheSeconds: number;
  readonly secretKeyring: Keyring;
  /** Seconds a production secret cutover waits for its switch before the deadline applies it. */
  readonly secretCutoverDeadlineSeconds: number;
  readonly allowLoopbackJwks: boolean;
  readonly aidboxPublicUrls: { readonly sandbox: string; readonly production: string };
  /** Ids of sample Groups in the sandbox, for group-level bulk export examples; empty when none are configured. */
  readonly sandboxSampleGroupIds: readonly string[];
  /** Where this service reaches each Aidbox itself (the public URL unless configured otherwise). */
  readonly aidboxUrls: { readonly sandbox: string; readonly production: string };
  /** Age after which a cached SMART configuration is read again (in the background). */
  readonly smartConfigurationMaxAgeSeconds: number;
  /** Sign-in settings; undefined when no issuer is configured (API tokens only). */
  readonly oidc: OidcSettings | undefined;
  readonly session: { readonly absoluteMinutes: number; readonly idleMinutes: number };
  /** Folders of the built SPAs this process serves; undefined leaves that app out (API only). */
  readonly spaDirs: { readonly developer: string | undefined; readonly admin: string | undefined };
  /** Multi-organization settings; undefined when OrgBAC is off (no organization is asked for). */
  readonly orgbac: OrgbacSettings | undefined;
  /** Bearer token `/metrics` requires; undefined leaves it open (block it at the ingress then). */
  readonly metricsToken: string | undefined;
  /** Longest drain of in-flight requests on SIGTERM. */
  readonly shutdownGraceMs: number;
  /** Requests a minute each caller may make (see the README's Rate limits). */
  readonly rateLimits: RateLimitSettings;
  /** Proxies whose X-Forwarded-For is believed (Fastify's `trustProxy`); false: the peer address is the client. */
  readonly trustedProxies: readonly string[] | false;
}

/** Per-minute limits, each counted in PostgreSQL so that they hold across replicas. */
export interface RateLimitSettings {
  readonly writesPerUser: number;
  readonly writesPerAddress: number;
  readonly anonymousPerAddress: number;
}

function readOidc(values: Static<typeof EnvSchema>, problems: Set<string>): OidcSettings | undefined {
  const { OIDC_ISSUER_URL: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = values;
  if (issuer === undefined && clientId === undefined && clientSecret === undefined) return undefined;
  for (const [name, value] of Object.entries({
    OIDC_ISSUER_URL: issuer,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: clientSecret,
  })) {
    if (value === undefined) problems.add(`${name}: is required when sign-in is configured`);
  }
  if (!issuer || !clientId || !clientSecret) return undefined;
  return {
    issuer,
    clientId,
    clientSecret,
    scopes: values.OIDC_SCOPES,
    rolesClaim: values.OIDC_ROLES_CLAIM,
    adminRole: values.OIDC_ADMIN_ROLE,
    audience: values.OIDC_AUDIENCE ?? clientId,
  };
}

/** This service once read organizations as the provisioner: an operator upgrading must learn which client to give. */
const READER_HINT = " (the read-only portal-reader client; not the provisioner's PRODUCTION_AIDBOX_CLIENT_ID/_SECRET)";

function readOrgbac(values: Static<typeof EnvSchema>, problems: Set<string>): OrgbacSettings | undefined {
  if (values.ORGBAC_ENABLED !== 'true') return undefined;
  const { PRODUCTION_AIDBOX_URL: url, PRODUCTION_AIDBOX_READER_CLIENT_ID: clientId } = values;
  const clientSecret = values.PRODUCTION_AIDBOX_READER_CLIENT_SECRET;
  for (const [name, value] of Object.entries({
    PRODUCTION_AIDBOX_URL: url,
    PRODUCTION_AIDBOX_READER_CLIENT_ID: clientId,
    PRODUCTION_AIDBOX_READER_CLIENT_SECRET: clientSecret,
  })) {
    if (value === undefined) {
      const hint = name === 'PRODUCTION_AIDBOX_URL' ? '' : READER_HINT;
      problems.add(`${name}: is required when ORGBAC_ENABLED is true${hint}`);
    }
  }
  if (clientId?.includes(':')) {
    problems.add('PRODUCTION_AIDBOX_READER_CLIENT_ID: must not contain ":" (Basic authentication)');
  }
  if (!url || !clientId || !clientSecret) return undefined;
  return {
    productionAidbox: Object.freeze({ url, clientId, clientSecret }),
    organizationsMaxAgeSeconds: values.ORGANIZATIONS_MAX_AGE_SECONDS,
  };
}

/** Names proxy-addr understands besides addresses and ranges. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function readTrustedProxies(value: string | undefined, problems: Set<string>): readonly string[] | false {
  if (value === undefined) return false;
  const entries = value.split(',').map((entry) => entry.trim());
  // A range of every address (/0) would trust any peer, letting every client choose the address it is counted under.
  const valid = (entry: string) =>
    PROXY_RANGE_NAMES.has(entry) ||
    ipaddr.isValid(entry) ||
    (ipaddr.isValidCIDR(entry) && ipaddr.parseCIDR(entry)[1] > 0);
  if (entries.some((entry) => !valid(entry))) {
    problems.add('TRUSTED_PROXIES: must list addresses, CIDR ranges (not /0), loopback, linklocal or uniquelocal');
    return false;
  }
  return Object.freeze(entries);
}

/** A FHIR id (R4 `id` datatype): a Group id is a path segment of the group-level export URL. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

function readSampleGroupIds(value: string | undefined, problems: Set<string>): readonly string[] {
  if (value === undefined) return Object.freeze([]);
  const ids = value.split(',').map((id) => id.trim());
  if (ids.some((id) => !FHIR_ID.test(id))) {
    problems.add(
      'SANDBOX_SAMPLE_GROUP_IDS: must list FHIR ids (letters, digits, "-" and ".", at most 64), comma-separated',
    );
    return Object.freeze([]);
  }
  return Object.freeze([...new Set(ids)]);
}

/**
 * Reads and validates the registration service's configuration. Every bad variable is reported at once, and
 * nothing else in the service reads `process.env`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const { values: valid, problems } = readEnv(EnvSchema, env);
  const keyring = readKeyring('SECRET_ENCRYPTION_KEYS', valid.SECRET_ENCRYPTION_KEYS, problems);
  const allowLoopbackJwks = (valid.ALLOW_LOOPBACK_JWKS ?? String(valid.PORTAL_MODE === 'development')) === 'true';
  if (allowLoopbackJwks && valid.PORTAL_MODE === 'production') {
    problems.add('ALLOW_LOOPBACK_JWKS: must not be true in production mode (it lets key set URLs reach this machine)');
  }
  const oidc = readOidc(valid, problems);
  const orgbac = readOrgbac(valid, problems);
  const trustedProxies = readTrustedProxies(valid.TRUSTED_PROXIES, problems);
  const sandboxSampleGroupIds = readSampleGroupIds(valid.SANDBOX_SAMPLE_GROUP_IDS, problems);
  for (const name of ['DEVELOPER_APP_DIR', 'ADMIN_APP_DIR'] as const) {
    // A relative folder would depend on the directory the process happens to start in.
    const dir = valid[name];
    if (dir !== undefined && !isAbsolute(dir)) problems.add(`${name}: must be an absolute path`);
  }
  if (oidc && valid.PORTAL_MODE === 'production' && !valid.PUBLIC_URL.startsWith('https://')) {
    problems.add(
      'PUBLIC_URL: must be https in production mode when sign-in is configured (session cookies are Secure)',
    );
  }
  assertValid(problems);
  return Object.freeze({
    mode: valid.PORTAL_MODE,
    host: valid.HOST,
    port: valid.PORT,
    databaseUrl: valid.DATABASE_URL,
    databasePoolSize: valid.DATABASE_POOL_SIZE,
    databasePreparedStatements: valid.DATABASE_PREPARED_STATEMENTS === 'true',
    logLevel: valid.LOG_LEVEL,
    publicUrl: valid.PUBLIC_URL,
    apiTokenMaxDays: valid.API_TOKEN_MAX_DAYS,
    apiTokenCacheSeconds: valid.API_TOKEN_CACHE_SECONDS,
    secretKeyring: keyring as Keyring,
    secretCutoverDeadlineSeconds: valid.SECRET_CUTOVER_DEADLINE_SECONDS,
    allowLoopbackJwks,
    aidboxPublicUrls: Object.freeze({
      sandbox: valid.SANDBOX_AIDBOX_PUBLIC_URL,
      production: valid.PRODUCTION_AIDBOX_PUBLIC_URL,
    }),
    sandboxSampleGroupIds,
    aidboxUrls: Object.freeze({
      sandbox: valid.SANDBOX_AIDBOX_URL ?? valid.SANDBOX_AIDBOX_PUBLIC_URL,
      production: valid.PRODUCTION_AIDBOX_URL ?? valid.PRODUCTION_AIDBOX_PUBLIC_URL,
    }),
    smartConfigurationMaxAgeSeconds: valid.SMART_CONFIGURATION_MAX_AGE_SECONDS,
    oidc: oidc && Object.freeze(oidc),
    session: Object.freeze({
      absoluteMinutes: valid.SESSION_ABSOLUTE_MINUTES,
      idleMinutes: valid.SESSION_IDLE_MINUTES,
    }),
    spaDirs: Object.freeze({ developer: valid.DEVELOPER_APP_DIR, admin: valid.ADMIN_APP_DIR }),
    orgbac: orgbac && Object.freeze(orgbac),
    metricsToken: valid.METRICS_TOKEN,
    shutdownGraceMs: valid.SHUTDOWN_GRACE_MS,
    rateLimits: Object.freeze({
      writesPerUser: valid.WRITE_RATE_LIMIT_PER_USER,
      writesPerAddress: valid.WRITE_RATE_LIMIT_PER_ADDRESS,
      anonymousPerAddress: valid.ANONYMOUS_RATE_LIMIT_PER_ADDRESS,
    }),
    trustedProxies,
  });
}
