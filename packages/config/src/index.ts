import { type Keyring, parseKeyring, SecretBoxError } from '@payerbox/secret-box';
import { type Static, type TObject, type TSchema, Type } from 'typebox';
import { Value } from 'typebox/value';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** A string enum as plain JSON Schema (`type: string` + `enum`). */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

export interface EnvReading<S extends TObject> {
  readonly values: Static<S>;
  /** Problems found so far; the caller may add its own cross-variable checks before calling `assertValid`. */
  readonly problems: Set<string>;
}

/**
 * Reads the variables `schema` names from `env` (empty counts as unset), converts integers, applies defaults and
 * collects every problem. Values are never echoed in problems: a variable may hold a secret.
 */
export function readEnv<S extends TObject>(schema: S, env: Record<string, string | undefined>): EnvReading<S> {
  const input: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties) as [string, TSchema][]) {
    const value = env[key];
    if (value === undefined || value === '') continue;
    // Integers are converted here, not by Value.Convert, which reads "1.5" and "true" as 1 and "0x10" as 16:
    // only decimal digits are a number, anything else stays a string and is reported.
    input[key] = Type.IsInteger(property) && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  }
  const values = Value.Default(schema, input) as Static<S>;
  const problems = new Set<string>();
  for (const error of Value.Errors(schema, values)) {
    const missing = (error.params as { requiredProperties?: string[] }).requiredProperties;
    const names = missing ?? [error.instancePath.replace(/^\//, '')];
    for (const name of names) problems.add(missing ? `${name}: is required` : `${name}: ${error.message}`);
  }
  return { values, problems };
}

/** Throws a ConfigError listing every problem, if any. */
export function assertValid(problems: Set<string>): void {
  if (problems.size > 0) throw new ConfigError([...problems]);
}

/** Parses a keyring variable (see @payerbox/secret-box), adding a problem instead of throwing. */
export function readKeyring(name: string, spec: string | undefined, problems: Set<string>): Keyring | undefined {
  if (spec === undefined) return undefined; // already reported as missing
  try {
    return parseKeyring(spec);
  } catch (error) {
    problems.add(`${name}: ${error instanceof SecretBoxError ? error.message : 'is not valid'}`);
    return undefined;
  }
}
