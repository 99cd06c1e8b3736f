import { problems } from '../../errors.ts';

/**
 * A parsed If-Match (RFC 9110 §13.1.1) for a backend service, whose ETag is its version as a strong entity tag (`"3"`):
 * `*`, or the versions its strong entity tags name. Weak tags are dropped, since If-Match compares strongly
 * (§8.8.3.2) and a weak tag never matches; a list of weak tags alone is thus a list that matches nothing.
 */
export type IfMatch = '*' | readonly number[];

// One list element (§5.6.1): optional whitespace, an entity tag (§8.8.3: an optional W/ and a quoted run of etagc),
// optional whitespace, then a comma or the end. An element may be empty (`"1", , "2"`).
const LIST_ELEMENT = /[ \t]*(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[ \t]*(,|$)/y;
// The versions this API gives out, as the ETag header writes them: no sign, no leading zeros.
const VERSION = /^(?:0|[1-9][0-9]{0,8})$/;

const MALFORMED_MESSAGE = 'must be "*" or the ETag of the service, e.g. "3" (quoted, without leading zeros)';

function malformed(): never {
  throw problems.validation([{ path: '/headers/if-match', message: MALFORMED_MESSAGE }], 'If-Match is malformed.');
}

/** The entity tags of an If-Match list, or undefined when the header is not such a list. */
function entityTags(header: string): { weak: boolean; opaque: string }[] | undefined {
  const tags: { weak: boolean; opaque: string }[] = [];
  LIST_ELEMENT.lastIndex = 0;
  while (LIST_ELEMENT.lastIndex < header.length) {
    const element = LIST_ELEMENT.exec(header);
    if (!element) return undefined;
    if (element[2] !== undefined) tags.push({ weak: element[1] !== undefined, opaque: element[2] });
    if (element[3] === '') break;
  }
  return tags;
}

/**
 * Parses If-Match: 428 `precondition_required` without one, 400 `validation_failed` at `/headers/if-match` for
 * anything but `*` or a list of entity tags naming versions (`1` unquoted, `"01"` padded, `" 1"`, an empty value).
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) throw problems.preconditionRequired();
  if (header.trim() === '*') return '*';
  const tags = entityTags(header);
  if (!tags || tags.length === 0 || tags.some((tag) => !VERSION.test(tag.opaque))) malformed();
  return tags.filter((tag) => !tag.weak).map((tag) => Number(tag.opaque));
}

/**
 * Whether If-Match holds for the current version. `*` matches any current representation, and a service that can be
 * edited exists, so `*` edits without a version check (whoever sends it accepts overwriting concurrent changes).
 */
export function ifMatchAccepts(ifMatch: IfMatch, currentVersion: number): boolean {
  return ifMatch === '*' || ifMatch.includes(currentVersion);
}
