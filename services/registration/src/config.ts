import { type Keyring, parseKeyring, SecretBoxError } from '@payerbox/secret-box';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { StringEnum } from './schemas/primitives.ts';

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
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the registration service's configuration. Every bad variable is reported at once, and
 * nothing else in the service reads `process.env`.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const input: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(EnvSchema.properties)) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    // Integers are converted here, not by Value.Convert, which reads "1.5" and "true" as 1 and "0x10" as 16:
    // only decimal digits are a number, anything else stays a string and is reported.
    input[key] = Type.IsInteger(schema) && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  }
  const converted = Value.Default(EnvSchema, input);
  const problems = new Set<string>();
  for (const error of Value.Errors(EnvSchema, converted)) {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties;
    const names = missing ?? [error.instancePath.replace(/^\//, '')];
    // Values are not echoed: a variable may hold a secret.
    for (const name of names) problems.add(missing ? `${name}: is required` : `${name}: ${error.message}`);
  }
  const valid = converted as Static<typeof EnvSchema>;
  const keyring = readKeyring(valid.SECRET_ENCRYPTION_KEYS, problems);
  const allowLoopbackJwks = (valid.ALLOW_LOOPBACK_JWKS ?? String(valid.PORTAL_MODE === 'development')) === 'true';
  if (allowLoopbackJwks && valid.PORTAL_MODE === 'production') {
    problems.add('ALLOW_LOOPBACK_JWKS: must not be true in production mode (it lets key set URLs reach this machine)');
  }
  if (problems.size > 0 || !keyring) throw new ConfigError([...problems]);
  return Object.freeze({
    mode: valid.PORTAL_MODE,
    host: valid.HOST,
    port: valid.PORT,
    databaseUrl: valid.DATABASE_URL,
    databasePoolSize: valid.DATABASE_POOL_SIZE,
    logLevel: valid.LOG_LEVEL,
    publicUrl: valid.PUBLIC_URL,
    apiTokenMaxDays: valid.API_TOKEN_MAX_DAYS,
    secretKeyring: keyring,
    allowLoopbackJwks,
  });
}

function readKeyring(spec: string | undefined, problems: Set<string>): Keyring | undefined {
  if (spec === undefined) return undefined; // already reported as missing
  try {
    return parseKeyring(spec);
  } catch (error) {
    problems.add(`SECRET_ENCRYPTION_KEYS: ${error instanceof SecretBoxError ? error.message : 'is not valid'}`);
    return undefined;
  }
}
