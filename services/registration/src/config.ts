import { assertValid, ConfigError, readEnv, readKeyring, StringEnum } from '@payerbox/config';
import type { Keyring } from '@payerbox/secret-box';
import { Type } from 'typebox';

export { ConfigError };

const EnvSchema = Type.Object({
  PORTAL_MODE: StringEnum(['development', 'production'], { default: 'production' }),
  HOST: Type.String({ minLength: 1, default: 'localhost' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://' }),
  DATABASE_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  LOG_LEVEL: StringEnum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Origin the portal is reached at; used for absolute links. */
  PUBLIC_URL: Type.String({ pattern: '^https?://[^/]+$', default: 'http://localhost:3000' }),
  /** Longest lifetime a personal access token may ask for. */
  API_TOKEN_MAX_DAYS: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
  /** `kid:base64key[,kid:base64key...]`: AES-256 keys for client secrets at rest; the first one encrypts. */
  SECRET_ENCRYPTION_KEYS: Type.String({ minLength: 1 }),
  /** Let JWKS URIs point at loopback (a local test client); development mode only, on there by default. */
  ALLOW_LOOPBACK_JWKS: Type.Optional(StringEnum(['true', 'false'])),
  /** Base URLs developers reach the Aidbox servers at (shown as environment constants). */
  SANDBOX_AIDBOX_PUBLIC_URL: Type.String({ pattern: '^https?://[^?#]+$' }),
  PRODUCTION_AIDBOX_PUBLIC_URL: Type.String({ pattern: '^https?://[^?#]+$' }),
});

export interface Config {
  readonly mode: 'development' | 'production';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly logLevel: string;
  readonly publicUrl: string;
  readonly apiTokenMaxDays: number;
  readonly secretKeyring: Keyring;
  readonly allowLoopbackJwks: boolean;
  readonly aidboxPublicUrls: { readonly sandbox: string; readonly production: string };
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
  assertValid(problems);
  return Object.freeze({
    mode: valid.PORTAL_MODE,
    host: valid.HOST,
    port: valid.PORT,
    databaseUrl: valid.DATABASE_URL,
    databasePoolSize: valid.DATABASE_POOL_SIZE,
    logLevel: valid.LOG_LEVEL,
    publicUrl: valid.PUBLIC_URL,
    apiTokenMaxDays: valid.API_TOKEN_MAX_DAYS,
    secretKeyring: keyring as Keyring,
    allowLoopbackJwks,
    aidboxPublicUrls: Object.freeze({
      sandbox: valid.SANDBOX_AIDBOX_PUBLIC_URL,
      production: valid.PRODUCTION_AIDBOX_PUBLIC_URL,
    }),
  });
}
