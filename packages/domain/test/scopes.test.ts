import t from 'tap';
import { validateScopes } from '../src/index.ts';

t.test('accepts and normalises v1 and v2 system scopes', async (t) => {
  t.same(validateScopes(['system/Patient.read', 'system/*.read', 'system/Patient.read'], 'v1'), {
    ok: true,
    scopes: ['system/*.read', 'system/Patient.read'],
  });
  t.same(validateScopes(['system/Observation.rs', 'system/Patient.cruds'], 'v2'), {
    ok: true,
    scopes: ['system/Observation.rs', 'system/Patient.cruds'],
  });
});

t.test('rejects a scope whose letters are out of order', async (t) => {
  const result = validateScopes(['system/Patient.sr'], 'v2');
  t.equal(result.ok, false);
  if (!result.ok) t.match(result.problems[0]?.message, /in that order/);
});

t.test('rejects a scope of the other version', async (t) => {
  t.equal(validateScopes(['system/Patient.rs'], 'v1').ok, false);
  t.equal(validateScopes(['system/Patient.read'], 'v2').ok, false);
});

t.test('rejects non-system scopes and an empty list', async (t) => {
  t.equal(validateScopes(['patient/Patient.read'], 'v1').ok, false);
  t.equal(validateScopes(['system/patient.read'], 'v1').ok, false);
  t.equal(validateScopes([], 'v1').ok, false);
});
