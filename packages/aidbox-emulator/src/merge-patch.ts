import { isJsonObject } from './json-value.ts';

/**
 * JSON Merge Patch (RFC 7396 §2): object members are merged recursively, `null` removes a member, and anything that
 * is not an object (arrays included) replaces the target whole. Neither argument is modified.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isJsonObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}
