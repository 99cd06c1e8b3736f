/**
 * Matcho's `#regex` strings in Java's syntax, run by JavaScript's engine. Aidbox is written in Clojure, whose
 * regular expressions are `java.util.regex.Pattern`s applied with `re-find`, i.e. found anywhere in the subject
 * (`docs/reference/matcho-dsl-reference.md` § Regular expressions; `docs/access-control/authorization/access-policies.md`
 * describes `'#/Encounter.*'` as matching "`/fhir/Encounter` or `/Encounter`", so it is not anchored), and Health
 * Samurai's own policies use Java constructs such as a leading `(?i)` (`docs/tutorials/security-access-control-
 * tutorials/accesspolicy-examples.md` #16).
 *
 * Translated so that they mean what Java means:
 * - leading inline flags `(?i)`, `(?s)`, `(?m)` (also combined, and right after a leading `^`) become JavaScript flags;
 * - `$` without `(?m)`: Java's matches at the end and also before a final line terminator;
 * - `\A`, `\z`, `\Z`: the start, the very end, the end before a final line terminator.
 *
 * Refused, so that a policy using them never matches (fail closed), because JavaScript would read them differently or
 * not at all: possessive quantifiers, atomic groups, `\Q…\E`, inline flags anywhere else, nested or intersected
 * character classes, empty classes, `\p{…}` property classes, `\G`, `\R`, `\h`, `\X`, `\x{…}`. Java's `.` also
 * excludes U+0085, JavaScript's does not: a difference too small to translate.
 */

/** A regular expression Matcho cannot run the way Aidbox would. */
export class UnsupportedRegex extends Error {
  override name = 'UnsupportedRegex';
}

/** Any of Java's line terminators, optionally, then the end of the input (what Java's `$` and `\Z` stop at). */
const BEFORE_FINAL_LINE_TERMINATOR = '(?=(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])?(?![\\s\\S]))';
const LEADING_FLAGS = /^(\^?)\(\?([a-zA-Z]+)\)/;
const JAVA_ONLY_ESCAPES = new Set(['Q', 'E', 'G', 'R', 'h', 'H', 'X', 'p', 'P', 'N', 'K', 'V', 'v']);
/** Escapes both languages have, with another meaning in JavaScript (where they are the letter itself). */
const JAVA_CHARACTER_ESCAPES: Readonly<Record<string, string>> = { e: '\\x1b', a: '\\x07' };

/** Compiles a Java regular expression (without Matcho's leading `#`) for `RegExp.test`, or throws UnsupportedRegex. */
export function compileJavaRegex(source: string): RegExp {
  let pattern = source;
  const flags = new Set<string>();
  // Java lets inline flags stand anywhere and apply from there on; at the start they are the pattern's flags.
  for (let leading = LEADING_FLAGS.exec(pattern); leading; leading = LEADING_FLAGS.exec(pattern)) {
    for (const flag of leading[2] ?? '') {
      if (!'ism'.includes(flag)) throw new UnsupportedRegex(`inline flag (?${flag}) is not supported`);
      flags.add(flag);
    }
    pattern = `${leading[1]}${pattern.slice(leading[0].length)}`;
  }
  const translated = translate(pattern, flags.has('m'));
  try {
    return new RegExp(translated, [...flags].join(''));
  } catch (error) {
    throw new UnsupportedRegex(`invalid regular expression ${source}`, { cause: error });
  }
}

function translate(pattern: string, multiline: boolean): string {
  let out = '';
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] as string;
    const next = pattern[index + 1];
    if (char === '\\') {
      if (next === undefined) throw new UnsupportedRegex('a pattern cannot end with a backslash');
      index++;
      if (JAVA_ONLY_ESCAPES.has(next) || (next === 'x' && pattern[index + 1] === '{')) {
        throw new UnsupportedRegex(`\\${next} has no JavaScript equivalent`);
      }
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'z') out += '(?![\\s\\S])';
      else if (!inClass && next === 'Z') out += BEFORE_FINAL_LINE_TERMINATOR;
      else out += JAVA_CHARACTER_ESCAPES[next] ?? `\\${next}`;
      continue;
    }
    if (inClass) {
      // Java nests classes (`[a[b]]` is a union) and intersects them (`&&`); JavaScript takes both literally.
      if (char === '[' || (char === '&' && next === '&')) throw new UnsupportedRegex('nested or intersected class');
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') {
      const negated = next === '^';
      // `[]` and `[^]` mean something else in each language (JavaScript: never / any character).
      if (pattern[index + (negated ? 2 : 1)] === ']') throw new UnsupportedRegex('an empty character class');
      inClass = true;
      out += negated ? '[^' : '[';
      if (negated) index++;
      continue;
    }
    if (char === '(' && next === '?') {
      const kind = pattern[index + 2] ?? '';
      // Groups both languages read alike: non-capturing, lookahead, lookbehind, named.
      if (!(kind === ':' || kind === '=' || kind === '!' || kind === '<')) {
        throw new UnsupportedRegex(`(?${kind} (inline flags or an atomic group) is not supported here`);
      }
    }
    if ((char === '*' || char === '+' || char === '?' || char === '}') && next === '+') {
      throw new UnsupportedRegex('possessive quantifiers are not supported');
    }
    out += char === '$' && !multiline ? BEFORE_FINAL_LINE_TERMINATOR : char;
  }
  if (inClass) throw new UnsupportedRegex('an unterminated character class');
  return out;
}
