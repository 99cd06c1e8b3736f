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
  if (problems.size > 0) throw new ConfigError([...problems]);
  const valid = converted as Static<typeof EnvSchema>;
  return Object.freeze({
    mode: valid.PORTAL_MODE,
    host: valid.HOST,
    port: valid.PORT,
    databaseUrl: valid.DATABASE_URL,
    databasePoolSize: valid.DATABASE_POOL_SIZE,
    logLevel: valid.LOG_LEVEL,
    publicUrl: valid.PUBLIC_URL,
    apiTokenMaxDays: valid.API_TOKEN_MAX_DAYS,
  });
}
