/**
 * The part of Aidbox's Matcho DSL (`docs/reference/matcho-dsl-reference.md`) that the emulator evaluates.
 *
 * - Objects match key by key, recursively; a key missing from the subject fails unless its pattern is `nil?`.
 * - Strings, numbers and booleans match by equality; strings starting with `#` are regular expressions in Java's
 *   syntax, found anywhere in the subject string as Clojure's `re-find` does (`java-regex.ts` says how far JavaScript
 *   can follow Java); `present?`, `nil?` and `not-blank?` are predicates.
 * - An array pattern matches an array subject when every pattern element matches some subject element. (The Aidbox
 *   docs describe ordered matching; the emulator follows its own specification, which asks for this looser rule.)
 * - `$enum`, `$one-of`, `$contains`, `$every` and `$not` as documented. `$one-of` beside other keys is refused (the
 *   docs: it "cannot be utilized concurrently with other keys"): the pattern never matches. `$every` over an empty or
 *   missing collection holds, as Clojure's `every?` does over nothing: the docs are silent, and of the two readings
 *   this is the one that grants more, so a policy that relies on `$every` to refuse an empty list is caught here (the
 *   portal's own policies also require a first element) rather than by a real Aidbox.
 * - A string starting with `.` is a path into the whole subject (the request, for policies), "Matching values from
 *   the request context": `.params.organization/id` is `request.params['organization/id']` (segments split at `.`
 *   only). The subject value must equal the value found there, which must be a string, number or boolean; a path that
 *   leads nowhere, or to an object or array, matches nothing (the docs leave that case open; failing closed).
 *
 * Anything else, such as `$reference` or `$length`, is unsupported: the whole pattern then fails to match, so a policy
 * the emulator cannot understand never grants access (fail closed).
 */
import { compileJavaRegex, UnsupportedRegex } from './java-regex.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';

class UnsupportedPattern extends Error {
  override name = 'UnsupportedPattern';
}

/** Whether `subject` matches `pattern`; false when the pattern uses anything the emulator does not support. */
export function matchesPattern(pattern: unknown, subject: unknown): boolean {
  try {
    return match(pattern, subject, subject);
  } catch (error) {
    if (error instanceof UnsupportedPattern) return false;
    throw error;
  }
}

/** `root` is the whole subject, which `.path` strings refer to. */
function match(pattern: unknown, subject: unknown, root: unknown): boolean {
  if (pattern === null) return subject === null || subject === undefined;
  if (typeof pattern === 'string') return matchString(pattern, subject, root);
  if (typeof pattern === 'number' || typeof pattern === 'boolean') return subject === pattern;
  if (Array.isArray(pattern)) {
    return Array.isArray(subject) && pattern.every((element) => subject.some((item) => match(element, item, root)));
  }
  if (isJsonObject(pattern)) return matchObject(pattern, subject, root);
  throw new UnsupportedPattern(`unsupported pattern value ${String(pattern)}`);
}

function matchString(pattern: string, subject: unknown, root: unknown): boolean {
  switch (pattern) {
    case 'present?':
      return subject !== null && subject !== undefined;
    case 'nil?':
      return subject === null || subject === undefined;
    case 'not-blank?':
      return typeof subject === 'string' && subject.trim() !== '';
  }
  if (pattern.startsWith('#')) return typeof subject === 'string' && regexOf(pattern.slice(1)).test(subject);
  if (pattern.startsWith('.')) {
    const referenced = valueAtPath(root, pattern.slice(1));
    return isPrimitive(referenced) && subject === referenced;
  }
  return subject === pattern;
}

/** Compiled regular expressions by source: policies are evaluated on every request. */
const regexes = new Map<string, RegExp>();

function regexOf(source: string): RegExp {
  let expression = regexes.get(source);
  if (expression === undefined) {
    try {
      expression = compileJavaRegex(source);
    } catch (error) {
      if (error instanceof UnsupportedRegex) throw new UnsupportedPattern(error.message, { cause: error });
      throw error;
    }
    regexes.set(source, expression);
  }
  return expression;
}

/** The value at a dotted path (`params.organization/id`) of the subject; array elements by index. */
function valueAtPath(root: unknown, path: string): unknown {
  if (path === '') throw new UnsupportedPattern('"." alone is not a path');
  let current = root;
  for (const segment of path.split('.')) {
    if (isJsonObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else return undefined;
  }
  return current;
}

function matchObject(pattern: JsonObject, subject: unknown, root: unknown): boolean {
  const keys = Object.keys(pattern);
  // The docs: "$one-of cannot be utilized concurrently with other keys".
  if ('$one-of' in pattern && keys.length > 1) throw new UnsupportedPattern('$one-of combined with other keys');
  for (const key of keys) {
    const expected = pattern[key];
    if (key.startsWith('$')) {
      if (!matchOperator(key, expected, subject, root)) return false;
      continue;
    }
    if (!isJsonObject(subject)) return false;
    const actual = Object.hasOwn(subject, key) ? subject[key] : undefined;
    if (!match(expected, actual, root)) return false;
  }
  return true;
}

function matchOperator(operator: string, argument: unknown, subject: unknown, root: unknown): boolean {
  switch (operator) {
    case '$enum':
      if (!Array.isArray(argument)) throw new UnsupportedPattern('$enum takes an array');
      return argument.some((value) => isPrimitive(value) && value === subject);
    case '$one-of':
      if (!Array.isArray(argument)) throw new UnsupportedPattern('$one-of takes an array');
      return argument.some((alternative) => match(alternative, subject, root));
    case '$contains':
      return Array.isArray(subject) && subject.some((item) => match(argument, item, root));
    case '$every':
      if (subject === undefined || subject === null) return true;
      return Array.isArray(subject) && subject.every((item) => match(argument, item, root));
    case '$not':
      return !match(argument, subject, root);
    default:
      throw new UnsupportedPattern(`unsupported operator ${operator}`);
  }
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
