/**
 * Structural checks shared by the resource validators. Aidbox answers a resource that breaks its schema with
 * 422 (in FHIR compliant mode, `docs/reference/all-settings.md`) and one issue per problem, each naming where in
 * `expression` and saying what in `diagnostics` (`docs/api/rest-api/crud/create.md`; see operation-outcome.ts).
 */
import { isJsonObject, type JsonObject } from './json-value.ts';
import type { OutcomeIssue } from './operation-outcome.ts';

export interface ValidationProblem {
  /** Where, as `Client.auth.client_credentials.token_format`. */
  readonly path: string;
  readonly message: string;
}

/** Ids Aidbox accepts: FHIR's id characters plus underscore, at most 64 of them. */
const RESOURCE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidResourceId(id: string): boolean {
  return RESOURCE_ID.test(id);
}

/** Collects problems while the validators walk a resource. */
export class Problems {
  readonly list: ValidationProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Reports members that the schema does not define (Aidbox refuses unknown elements). */
  unknownKeys(object: JsonObject, path: string, known: ReadonlySet<string>): void {
    for (const key of Object.keys(object)) {
      if (!known.has(key)) this.add(`${path}.${key}`, 'unknown element');
    }
  }

  string(object: JsonObject, key: string, path: string): void {
    if (key in object && typeof object[key] !== 'string') this.add(`${path}.${key}`, 'must be a string');
  }

  boolean(object: JsonObject, key: string, path: string): void {
    if (key in object && typeof object[key] !== 'boolean') this.add(`${path}.${key}`, 'must be a boolean');
  }

  positiveInteger(object: JsonObject, key: string, path: string): void {
    const value = object[key];
    if (key in object && !(Number.isSafeInteger(value) && (value as number) > 0)) {
      this.add(`${path}.${key}`, 'must be a positive integer');
    }
  }

  stringArray(object: JsonObject, key: string, path: string, allowed?: readonly string[]): void {
    if (!(key in object)) return;
    const value = object[key];
    if (!Array.isArray(value)) {
      this.add(`${path}.${key}`, 'must be an array of strings');
      return;
    }
    value.forEach((item, index) => {
      if (typeof item !== 'string') this.add(`${path}.${key}.${index}`, 'must be a string');
      else if (allowed && !allowed.includes(item)) {
        this.add(`${path}.${key}.${index}`, `"${item}" is not one of ${allowed.join(', ')}`);
      }
    });
  }

  object(object: JsonObject, key: string, path: string): JsonObject | undefined {
    if (!(key in object)) return undefined;
    const value = object[key];
    if (isJsonObject(value)) return value;
    this.add(`${path}.${key}`, 'must be an object');
    return undefined;
  }

  array(object: JsonObject, key: string, path: string): unknown[] | undefined {
    if (!(key in object)) return undefined;
    const value = object[key];
    if (Array.isArray(value)) return value;
    this.add(`${path}.${key}`, 'must be an array');
    return undefined;
  }

  /** Checks the parts every resource shares: `meta` is an object, and so on. */
  common(resource: JsonObject, type: string): void {
    const meta = this.object(resource, 'meta', type);
    if (meta) this.array(meta, 'extension', `${type}.meta`);
  }

  toIssues(): OutcomeIssue[] {
    return this.list.map(({ path, message }) => ({
      severity: 'fatal',
      code: 'invalid',
      diagnostics: message,
      expression: [path],
    }));
  }
}
