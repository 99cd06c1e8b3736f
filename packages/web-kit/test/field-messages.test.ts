import t from 'tap';
import { ApiError, describeError, fieldErrors } from '../src/api-error.ts';
import { apiFieldMessage, fieldMessage, recogniseRule, textLength } from '../src/field-messages.ts';

/** A 400 `validation_failed` as the registration service sends it (problems.validation). */
const validationFailed = (errors: { path: string; message: string }[]) =>
  new ApiError(400, {
    type: 'urn:payerbox:problem:validation_failed',
    status: 400,
    code: 'validation_failed',
    title: 'Invalid request',
    detail: 'The request does not match the schema.',
    errors,
  });

// What the issue saw reach users, and the other schema and service wordings the API sends.
const SCHEMA_WORDING = /must NOT|must match|must have|must be|is required|is not a|schema/;

t.test('names the JSON-schema rule and its limit behind each Ajv message', async (t) => {
  t.same(recogniseRule('must NOT have fewer than 1 characters'), { rule: 'minLength', limit: 1 });
  t.same(recogniseRule('must NOT have more than 100 characters'), { rule: 'maxLength', limit: 100 });
  t.same(recogniseRule('must match pattern "\\S"'), { rule: 'pattern' });
  t.same(recogniseRule('must match format "uri"'), { rule: 'format' });
  t.same(recogniseRule('must NOT have fewer than 1 items'), { rule: 'minItems', limit: 1 });
  t.same(recogniseRule("must have required property 'reason'"), { rule: 'required' });
  t.same(recogniseRule('must be equal to one of the allowed values'), { rule: 'enum' });
  t.same(recogniseRule('must be <= 3650'), { rule: 'maximum', limit: 3650 });
  t.same(recogniseRule('must be at most 365'), { rule: 'maximum', limit: 365 });
  t.same(recogniseRule('something no one foresaw'), { rule: 'unknown' });
});

t.test('says what to do about an empty or whitespace-only name, once, in a sentence', async (t) => {
  const errors = fieldErrors(
    validationFailed([
      { path: '/body/name', message: 'must NOT have fewer than 1 characters' },
      { path: '/body/name', message: 'must match pattern "\\S"' },
    ]),
  );
  t.same(errors, { name: 'Enter a name (it cannot be only spaces).' });
});

t.test('explains a JWKS URI that is not a web address, and a missing one', async (t) => {
  const errors = fieldErrors(
    validationFailed([
      { path: '/body/jwksUri', message: 'must match pattern "^https?://"' },
      { path: '/body/jwksUri', message: 'must match format "uri"' },
    ]),
  );
  t.match(errors.jwksUri, /^The JWKS URI must be a web address starting with https:\/\//);
  t.match(errors.jwksUri, /complete address, such as https:\/\/example\.com/);
  t.match(apiFieldMessage('jwksUri', 'is required when authMethod is jwks_uri'), /^Enter the JWKS URI/);
});

t.test('asks for a scope when none is chosen, and keeps the scope grammar’s explanation', async (t) => {
  const errors = fieldErrors(
    validationFailed([
      { path: '/body/scopes', message: 'must NOT have fewer than 1 items' },
      { path: '/body/scopes/1', message: '"system/Patient" has no permissions; add .<permissions> after the type' },
    ]),
  );
  t.match(errors.scopes, /^Choose at least one resource and what the service may do with it\./);
  t.match(errors.scopes, /The scope "system\/Patient" has no permissions; add \.<permissions> after the type\.$/);
});

t.test('asks an admin for a reason a developer can read', async (t) => {
  t.same(fieldErrors(validationFailed([{ path: '/body/reason', message: "must have required property 'reason'" }])), {
    reason: 'Write a reason; the developer reads it on the service page.',
  });
  t.equal(apiFieldMessage('reason', 'is required'), 'Write a reason; the developer reads it on the service page.');
});

t.test('states a length limit with its number, as the browser’s own check does', async (t) => {
  const fromApi = apiFieldMessage('name', 'must NOT have more than 100 characters');
  t.equal(fromApi, 'The name can be at most 100 characters long.');
  t.equal(fieldMessage('name', 'maxLength', 100), fromApi, 'the browser and the API say the same');
  t.equal(apiFieldMessage('expiresInDays', 'must be at most 365'), 'A token can last at most 365 days.');
});

t.test('falls back to a sentence naming the field, never the raw text, for anything unmapped', async (t) => {
  const unmapped = [
    ['clientId', 'must be string'],
    ['scopeVersion', 'must be equal to one of the allowed values'],
    ['description', 'must not contain invisible text-direction characters'],
    ['note', 'must not contain the NUL character (U+0000)'],
    ['webhookUrl', 'frobnicated beyond repair'],
    ['name', 'is not a known property'],
  ] as const;
  for (const [field, message] of unmapped) {
    const sentence = apiFieldMessage(field, message);
    t.notMatch(sentence, SCHEMA_WORDING, `${field}: ${sentence}`);
    t.match(sentence, /^[A-Z].*\.$/, 'a sentence');
  }
  t.equal(apiFieldMessage('clientId', 'must be string'), 'The client id is not valid; check what you entered.');
  t.equal(
    apiFieldMessage('webhookUrl', 'frobnicated beyond repair'),
    'The webhook url is not valid; check what you entered.',
  );
});

t.test('keeps errors outside the body fields under form, as sentences', async (t) => {
  const errors = fieldErrors(validationFailed([{ path: '/body', message: "must have required property 'x'" }]));
  t.same(errors, { form: 'Some of what you entered is not valid; check the form and try again.' });
});

t.test('describes a validation problem by its field sentences instead of its schema title', async (t) => {
  const described = describeError(validationFailed([{ path: '/body/reason', message: 'must match pattern "\\S"' }]));
  t.equal(described, 'Write a reason; the developer reads it on the service page.');
  t.notMatch(describeError(validationFailed([])), SCHEMA_WORDING);
});

t.test('counts characters as the API schema does (code points)', async (t) => {
  t.equal(textLength('Claims sync'), 11);
  t.equal(textLength('😀'.repeat(100)), 100, 'an emoji is one character, not two UTF-16 units');
});

t.test('a refused webhook URL says why in the API’s own words, as a sentence about the URL', async (t) => {
  t.equal(
    apiFieldMessage('url', 'resolves to 10.0.0.7 (private), which the portal does not connect to'),
    'The URL resolves to 10.0.0.7 (private), which the portal does not connect to.',
  );
  t.equal(apiFieldMessage('url', 'must use https'), 'The URL must use https.');
});
