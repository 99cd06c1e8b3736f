/**
 * Sentences a person understands for what is wrong with a form field, for both SPAs. The API reports a
 * `validation_failed` problem with `{ path, message }` per field, where `message` is Ajv's JSON-schema wording
 * (`must NOT have fewer than 1 characters`) or one of the service's own rules; neither is fit to show. A message is
 * first recognised as the rule it breaks (the JSON-schema keyword, or the service rule), then the pair (field, rule)
 * picks a sentence. The browser's own checks use the same sentences, so a field reads the same whichever side refused
 * it. Anything not recognised gets a generic sentence naming the field: never the raw text.
 */
import { FIELD_LABELS } from './event-description.ts';

/** The rule a field breaks: a JSON-schema keyword, or one of the service's own checks. */
export type FieldRule =
  | 'required'
  | 'minLength'
  | 'maxLength'
  | 'pattern'
  | 'format'
  | 'minItems'
  | 'maxItems'
  | 'enum'
  | 'type'
  | 'minimum'
  | 'maximum'
  | 'additionalProperties'
  | 'unstorable'
  | 'textDirection'
  | 'notAllowed'
  | 'unknownOrganization'
  | 'scopeGrammar'
  | 'unknown';

/** A recognised message: its rule, and the limit it states when it has one (`must NOT have more than 100 ...`). */
export interface RecognisedRule {
  readonly rule: FieldRule;
  readonly limit?: number;
}

// Ajv's English messages (ajv/lib/vocabularies) and the registration service's own (text-input.ts,
// configuration.ts, transitions.ts, api-tokens/service.ts, organizations/service.ts, the domain's scope grammar).
const RECOGNISERS: readonly (readonly [RegExp, FieldRule])[] = [
  [/^must NOT have fewer than (\d+) characters/, 'minLength'],
  [/^must NOT have more than (\d+) characters/, 'maxLength'],
  [/^must NOT have fewer than (\d+) items/, 'minItems'],
  [/^must NOT have more than (\d+) items/, 'maxItems'],
  [/^at least one scope is required/, 'minItems'],
  [/^must match pattern/, 'pattern'],
  [/^must match format/, 'format'],
  [/^must have required property/, 'required'],
  [/^is required/, 'required'],
  [/^must be equal to (?:one of the allowed values|constant)/, 'enum'],
  [/^must be (?:string|number|integer|boolean|array|object|null)\b/, 'type'],
  [/^must be (?:<=?|at most) (\d+)/, 'maximum'],
  [/^must be >=? (\d+)/, 'minimum'],
  [/^is not a known property/, 'additionalProperties'],
  [/^must not contain the NUL character|^must be valid Unicode/, 'unstorable'],
  [/^must not contain invisible text-direction characters/, 'textDirection'],
  [/^must be absent/, 'notAllowed'],
  [/^is not an organization/, 'unknownOrganization'],
  // The domain's scope grammar starts with the scope it refuses, quoted: `"system/Foo" has no permissions; ...`.
  [/^"[^"]*" /, 'scopeGrammar'],
];

/** The rule an API field message states, with its limit, or `unknown`. */
export function recogniseRule(message: string): RecognisedRule {
  for (const [pattern, rule] of RECOGNISERS) {
    const match = pattern.exec(message);
    if (!match) continue;
    return match[1] === undefined ? { rule } : { rule, limit: Number(match[1]) };
  }
  return { rule: 'unknown' };
}

/** How a sentence names each field of the API's request bodies. */
const FIELD_NOUNS: Record<string, string> = {
  ...FIELD_LABELS,
  reason: 'reason',
  note: 'note',
  expiresInDays: 'expiry in days',
  url: 'URL',
};

/** The noun for a field; an unlisted one is spelled out from its camelCase name (`clientId` -> `client id`). */
export function fieldNoun(field: string): string {
  return FIELD_NOUNS[field] ?? (field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase() || 'request');
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

type Sentence = (limit: number | undefined, message: string) => string;

const ENTER_A_NAME: Sentence = () => 'Enter a name (it cannot be only spaces).';
const WRITE_A_REASON: Sentence = () => 'Write a reason; the developer reads it on the service page.';
const ENTER_A_JWKS_URI: Sentence = () =>
  'Enter the JWKS URI: the address where your service publishes its public keys.';
const CHOOSE_A_SCOPE: Sentence = () => 'Choose at least one resource and what the service may do with it.';

/** Sentences for one field and rule, where the generic one would say less than it could. */
const SPECIFIC: Record<string, Partial<Record<FieldRule, Sentence>>> = {
  name: {
    required: ENTER_A_NAME,
    minLength: ENTER_A_NAME,
    pattern: ENTER_A_NAME,
  },
  jwksUri: {
    required: ENTER_A_JWKS_URI,
    minLength: ENTER_A_JWKS_URI,
    pattern: () => 'The JWKS URI must be a web address starting with https:// (or http://).',
    format: () => 'Enter the JWKS URI as a complete address, such as https://example.com/.well-known/jwks.json.',
    notAllowed: () => 'A service that uses a client secret has no JWKS URI.',
  },
  productionJwksUri: {
    pattern: () => 'The production JWKS URI must be a web address starting with https:// (or http://).',
    format: () =>
      'Enter the production JWKS URI as a complete address, such as https://example.com/.well-known/jwks.json.',
    notAllowed: () => 'A service that uses a client secret has no production JWKS URI.',
  },
  scopes: {
    required: CHOOSE_A_SCOPE,
    minItems: CHOOSE_A_SCOPE,
    maxItems: (limit) => `A service can have at most ${limit ?? 100} scopes.`,
    scopeGrammar: (_, message) => `The scope ${message.replace(/\.?$/, '.')}`,
  },
  organizationId: {
    required: () => 'Choose the organization whose data the service may access.',
    unknownOrganization: () => 'This organization does not exist (any more); choose another one.',
  },
  reason: {
    required: WRITE_A_REASON,
    minLength: WRITE_A_REASON,
    pattern: WRITE_A_REASON,
  },
  url: {
    // The webhook URL's refusals complete "The URL …" (packages/safe-fetch): "resolves to 10.0.0.7 (private), …".
    unknown: (_, message) => `The URL ${message.replace(/\.?$/, '.')}`,
  },
  expiresInDays: {
    type: () => 'Enter the number of days the token should last.',
    minimum: (limit) => `A token must last at least ${plural(limit ?? 1, 'day', 'days')}.`,
    maximum: (limit) => `A token can last at most ${plural(limit ?? 1, 'day', 'days')}.`,
  },
};

function genericSentence(noun: string, rule: FieldRule, limit: number | undefined): string {
  switch (rule) {
    case 'required':
      return `Enter the ${noun}.`;
    case 'minLength':
      return limit !== undefined && limit > 1
        ? `The ${noun} needs at least ${plural(limit, 'character', 'characters')}.`
        : `Enter the ${noun}.`;
    case 'maxLength':
      return `The ${noun} can be at most ${plural(limit ?? 0, 'character', 'characters')} long.`;
    case 'minItems':
      return `Choose at least ${plural(limit ?? 1, 'entry', 'entries')} for the ${noun}.`;
    case 'maxItems':
      return `The ${noun} can have at most ${plural(limit ?? 0, 'entry', 'entries')}.`;
    case 'minimum':
      return `The ${noun} must be at least ${limit}.`;
    case 'maximum':
      return `The ${noun} must be at most ${limit}.`;
    case 'enum':
      return `Choose one of the offered values for the ${noun}.`;
    case 'additionalProperties':
      return `The portal does not accept a ${noun} here.`;
    case 'unstorable':
      return `The ${noun} contains characters that cannot be stored (such as a NUL character); remove them.`;
    case 'textDirection':
      return `The ${noun} contains invisible text-direction characters, which would make it display differently from what it says; remove them.`;
    case 'notAllowed':
      return `Leave the ${noun} empty here.`;
    case 'pattern':
    case 'format':
    case 'type':
    case 'unknownOrganization':
    case 'scopeGrammar':
    case 'unknown':
      return `The ${noun} is not valid; check what you entered.`;
    default:
      return rule satisfies never;
  }
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The sentence for `field` breaking `rule` (with its limit): what the browser's own checks show. */
export function fieldMessage(field: string, rule: FieldRule, limit?: number, message = ''): string {
  const specific = SPECIFIC[field]?.[rule];
  return capitalised(specific ? specific(limit, message) : genericSentence(fieldNoun(field), rule, limit));
}

/** The sentence for one API field error: `field` as named by the path, `message` as the API sent it. */
export function apiFieldMessage(field: string, message: string): string {
  const { rule, limit } = recogniseRule(message);
  return fieldMessage(field, rule, limit, message);
}

/** The length of text as the API's JSON schema counts it (`maxLength` counts code points, not UTF-16 units). */
export function textLength(text: string): number {
  return [...text].length;
}
