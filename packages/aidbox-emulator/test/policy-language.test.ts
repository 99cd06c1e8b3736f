// The policy language the emulator evaluates: Matcho (with Java regular expressions) and the complex engine.
import t from 'tap';
import { matchesPattern } from '../src/matcho.ts';
import { ruleAllows } from '../src/policy-engines.ts';

t.test('a regular expression is found anywhere in the string unless it is anchored', async (t) => {
  t.ok(matchesPattern({ uri: '#/Client/' }, { uri: '/x/Client/root' }));
  t.notOk(matchesPattern({ uri: '#^/Client/[a-z]+$' }, { uri: '/x/Client/root' }));
  t.ok(matchesPattern({ uri: '#^/Client/[a-z]+$' }, { uri: '/Client/root' }));
  t.notOk(matchesPattern({ uri: '#^/Client/[a-z]+$' }, { uri: '/Client/root/x' }));
  t.notOk(matchesPattern({ uri: '#.*' }, { uri: 42 }), 'only strings match a regular expression');
});

t.test("reads leading inline flags, and $ and \\z, as Java's regular expressions do", async (t) => {
  t.ok(matchesPattern('#(?i)^select', 'SELECT 1'));
  t.ok(matchesPattern('#^(?i)(?!.*(insert|update)).*', 'select 1'), 'a (?i) after ^, as in the docs');
  t.notOk(matchesPattern('#^(?i)(?!.*(insert|update)).*', 'select 1; UPDATE x'));
  t.ok(matchesPattern('#^bs-[0-9a-f]{2}$', 'bs-0a\n'), "Java's $ also matches before a final line terminator");
  t.notOk(matchesPattern('#^bs-[0-9a-f]{2}$', 'bs-0a\nx'));
  t.notOk(matchesPattern('#^bs-[0-9a-f]{2}\\z', 'bs-0a\n'), '\\z is the very end');
  t.ok(matchesPattern('#\\Abs-', 'bs-0a'));
  t.notOk(matchesPattern('#\\Abs-', 'xbs-0a'), '\\A is the start, not the letter A');
});

t.test('a regular expression JavaScript cannot read as Java does never matches', async (t) => {
  for (const pattern of ['#a++', '#(?>a)', '#\\p{L}', '#x(?i)y', '#[a-z&&[^b]]', '#\\Q.\\E', '#[]a]', '#(']) {
    t.notOk(matchesPattern({ value: pattern }, { value: 'a' }), pattern);
    t.notOk(matchesPattern({ $not: { value: pattern } }, { value: 'a' }), `${pattern} under $not`);
  }
});

t.test('$every holds over an empty or missing collection, and not over something else', async (t) => {
  const pattern = { link: { $every: { resourceType: 'Client' } } };
  t.ok(matchesPattern(pattern, { link: [{ resourceType: 'Client', id: 'a' }] }));
  t.notOk(matchesPattern(pattern, { link: [{ resourceType: 'Client' }, { resourceType: 'Operation' }] }));
  t.ok(matchesPattern(pattern, { link: [] }), 'vacuously, as Clojure does');
  t.ok(matchesPattern(pattern, {}), 'a missing collection is an empty one');
  t.notOk(matchesPattern(pattern, { link: { resourceType: 'Client' } }));
});

t.test('an array pattern needs its elements in the subject: an empty subject never matches', async (t) => {
  const pattern = { link: [{ resourceType: 'Client' }] };
  t.ok(matchesPattern(pattern, { link: [{ resourceType: 'Client', id: 'a' }] }));
  t.notOk(matchesPattern(pattern, { link: [] }));
  t.notOk(matchesPattern(pattern, {}));
});

t.test('nil? matches a missing or null value, present? any other', async (t) => {
  t.ok(matchesPattern({ trusted: 'nil?' }, {}));
  t.ok(matchesPattern({ trusted: 'nil?' }, { trusted: null }));
  t.notOk(matchesPattern({ trusted: 'nil?' }, { trusted: false }));
  t.ok(matchesPattern({ matcho: 'present?' }, { matcho: {} }));
  t.notOk(matchesPattern({ matcho: 'present?' }, {}));
});

t.test('$enum takes plain values, $one-of patterns, $not negates, $contains finds one element', async (t) => {
  t.ok(matchesPattern({ m: { $enum: ['get', 'delete'] } }, { m: 'delete' }));
  t.notOk(matchesPattern({ m: { $enum: ['get', 'delete'] } }, { m: 'put' }));
  const grants = { grant_types: { '$one-of': ['nil?', { $every: 'client_credentials' }] } };
  t.ok(matchesPattern(grants, {}));
  t.ok(matchesPattern(grants, { grant_types: ['client_credentials'] }));
  t.notOk(matchesPattern(grants, { grant_types: ['client_credentials', 'basic'] }));
  t.ok(matchesPattern({ s: { $not: 'x' } }, { s: 'y' }));
  t.ok(matchesPattern({ e: { $contains: { url: 'u' } } }, { e: [{ url: 'v' }, { url: 'u' }] }));
  t.notOk(matchesPattern({ e: { $contains: { url: 'u' } } }, { e: [] }));
});

t.test('$one-of beside other keys, and operators the emulator does not know, never match', async (t) => {
  t.notOk(matchesPattern({ params: { '$one-of': [{ a: 'present?' }], b: 1 } }, { params: { a: 1, b: 1 } }));
  t.notOk(matchesPattern({ a: { $length: 1 } }, { a: [1] }));
  t.notOk(matchesPattern({ $not: { a: { $length: 1 } } }, { a: [1, 2] }), 'not even under $not');
});

t.test('the complex engine: and needs every rule, or one, an empty and grants, and with or never', async (t) => {
  const yes = { engine: 'allow' };
  const no = { engine: 'matcho', matcho: { never: 'present?' } };
  t.ok(ruleAllows({ engine: 'complex', and: [yes, yes] }, {}));
  t.notOk(ruleAllows({ engine: 'complex', and: [yes, no] }, {}));
  t.ok(ruleAllows({ engine: 'complex', or: [no, yes] }, {}));
  t.notOk(ruleAllows({ engine: 'complex', or: [no, no] }, {}));
  t.ok(ruleAllows({ engine: 'complex', and: [] }, {}), 'as documented: nothing left to reject');
  t.notOk(ruleAllows({ engine: 'complex', or: [] }, {}));
  t.notOk(ruleAllows({ engine: 'complex', and: [yes], or: [yes] }, {}), 'both on one level is forbidden');
  t.ok(ruleAllows({ engine: 'complex', and: [yes, { engine: 'complex', or: [no, yes] }] }, {}), 'nested');
  t.notOk(ruleAllows({ engine: 'sql', sql: { query: 'select true' } }, {}), 'engines the emulator does not run');
});
