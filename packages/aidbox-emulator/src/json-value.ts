/** A parsed JSON object (a FHIR or Aidbox resource, a patch, a policy pattern). */
export type JsonObject = Record<string, unknown>;

/** True for plain JSON objects: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True for a non-empty array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
