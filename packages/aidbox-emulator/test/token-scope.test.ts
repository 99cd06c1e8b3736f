// The `scope` of a client_credentials token: what is granted for what is asked, and what the token carries.
import { decodeJwt } from 'jose';
import t from 'tap';
import { DOCUMENTED_WILDCARD_EXPANSION } from '../src/index.ts';
import { type Harness, startEmulator } from './emulator-fixture.ts';

const GRANT = { grant_type: 'client_credentials' };

/** A token request of a new secret client holding `scope`; `requested` is sent as the `scope` parameter if given. */
async function tokenFor(aidbox: Harness, scope: string[], requested?: string, type?: string) {
  const client = await aidbox.secretClient(scope, type === undefined ? {} : { type });
  const form = { ...GRANT, client_id: client.id, client_secret: client.secret };
  return aidbox.token(requested === undefined ? form : { ...form, scope: requested });
}

t.test('grants the requested scopes the client holds and refuses any other with invalid_scope', async (t) => {
  const aidbox = await startEmulator(t);
  const held = ['system/Patient.rs', 'system/Coverage.rs', 'system/Observation.rs'];
  const narrowed = await tokenFor(aidbox, held, 'system/Coverage.rs  system/Patient.rs');
  t.equal(narrowed.status, 200);
  t.equal(narrowed.body.scope, 'system/Coverage.rs system/Patient.rs');
  const refused = await tokenFor(aidbox, held, 'system/Patient.rs system/Patient.cruds');
  t.equal(refused.status, 400);
  t.equal(refused.body.error, 'invalid_scope');
  t.match(refused.body.error_description, /system\/Patient\.cruds/);
});

t.test('grants a specific type under a held wildcard, as Payerbox narrows system/*.read', async (t) => {
  const aidbox = await startEmulator(t);
  const answer = await tokenFor(aidbox, ['system/*.read'], 'system/Patient.read system/ExplanationOfBenefit.read');
  t.equal(answer.status, 200);
  t.equal(answer.body.scope, 'system/Patient.read system/ExplanationOfBenefit.read');
});

t.test('grants the v1 and v2 spellings of the same permissions, and no more than is held', async (t) => {
  const aidbox = await startEmulator(t);
  t.equal((await tokenFor(aidbox, ['system/Patient.rs'], 'system/Patient.read')).status, 200);
  t.equal((await tokenFor(aidbox, ['system/Patient.read'], 'system/Patient.rs')).status, 200);
  t.equal((await tokenFor(aidbox, ['system/*.rs'], 'system/Coverage.r')).status, 200, 'fewer letters');
  t.equal((await tokenFor(aidbox, ['system/Patient.r', 'system/Patient.s'], 'system/Patient.rs')).status, 200);
  for (const [held, asked] of [
    [['system/Patient.r'], 'system/Patient.read'],
    [['system/Patient.rs'], 'system/Patient.write'],
    [['system/Patient.rs'], 'system/*.rs'],
    [['system/Patient.rs'], 'patient/Patient.rs'],
    [['system/Patient.rs'], 'openid'],
  ] as const) {
    const answer = await tokenFor(aidbox, [...held], asked);
    t.equal(answer.status, 400, `${asked} is not covered by ${held}`);
    t.equal(answer.body.error, 'invalid_scope');
  }
});

t.test('grants the client its own scopes when the request names none', async (t) => {
  const aidbox = await startEmulator(t);
  const answer = await tokenFor(aidbox, ['system/Patient.rs', 'system/Coverage.rs']);
  t.equal(answer.status, 200);
  t.equal(answer.body.scope, 'system/Patient.rs system/Coverage.rs');
});

t.test('refuses the whole request when a system scope restricts by search parameters', async (t) => {
  const aidbox = await startEmulator(t);
  const held = ['system/Observation.rs', 'system/Observation.rs?category=laboratory'];
  const asked = await tokenFor(aidbox, held, 'system/Observation.rs system/Observation.rs?category=laboratory');
  t.equal(asked.status, 400);
  t.equal(asked.body.error, 'invalid_scope');
  t.match(asked.body.error_description, /search parameters/);
  const implied = await tokenFor(aidbox, held);
  t.equal(implied.status, 400, 'also when it comes from the Client because the request names none');
  t.equal((await tokenFor(aidbox, held, 'system/Observation.rs')).status, 200, 'a request leaving it out is fine');
});

t.test(
  'a smart-app client gets atv 2 and its scopes in the token, wildcards expanded to the documented types',
  async (t) => {
    const aidbox = await startEmulator(t);
    const answer = await tokenFor(aidbox, ['system/*.rs', 'system/Claim.r'], undefined, 'smart-app');
    t.equal(answer.status, 200);
    const expected = [...DOCUMENTED_WILDCARD_EXPANSION.map((type) => `system/${type}.rs`), 'system/Claim.r'].join(' ');
    t.equal(answer.body.scope, expected);
    t.match(decodeJwt(answer.body.access_token), { atv: 2, scope: expected });
    t.equal(DOCUMENTED_WILDCARD_EXPANSION.length, 19);
    for (const payerType of ['Coverage', 'ExplanationOfBenefit', 'Claim']) {
      t.notOk(DOCUMENTED_WILDCARD_EXPANSION.includes(payerType), `${payerType} is not in the documented list`);
    }
  },
);

t.test(
  'a client without a type gets neither atv nor scope in its token, and its grant echoed unexpanded',
  async (t) => {
    const aidbox = await startEmulator(t);
    const answer = await tokenFor(aidbox, ['system/*.rs'], 'system/*.rs');
    t.equal(answer.status, 200);
    t.equal(answer.body.scope, 'system/*.rs');
    const claims = decodeJwt(answer.body.access_token);
    t.notOk('atv' in claims);
    t.notOk('scope' in claims);
  },
);
