import fc from 'fast-check';
import t from 'tap';
import {
  buildScope,
  FHIR_R4_RESOURCE_TYPES,
  grantsOf,
  PERMISSIONS,
  parseScope,
  toV2,
  validateScopes,
} from '../src/index.ts';

function problem(scope: string, version: 'v1' | 'v2'): string {
  const result = validateScopes([scope], version);
  if (result.ok) throw new Error(`expected ${scope} to be refused`);
  return result.problems[0]?.message ?? '';
}

t.test('accepts v1 scopes of every permission and normalises the list', async (t) => {
  t.same(validateScopes(['system/Patient.read', 'system/*.read', 'system/Patient.read', 'system/Coverage.*'], 'v1'), {
    ok: true,
    scopes: ['system/*.read', 'system/Coverage.*', 'system/Patient.read'],
  });
  t.ok(validateScopes(['system/Observation.write'], 'v1').ok);
});

t.test('accepts every ordered non-empty subset of cruds in v2', async (t) => {
  const letters = ['c', 'r', 'u', 'd', 's'];
  for (let mask = 1; mask < 32; mask++) {
    const permissions = letters.filter((_, i) => mask & (1 << i)).join('');
    t.ok(validateScopes([`system/Patient.${permissions}`], 'v2').ok, permissions);
  }
  t.ok(validateScopes(['system/*.rs'], 'v2').ok);
});

t.test('accepts every FHIR R4 resource type', async (t) => {
  t.equal(FHIR_R4_RESOURCE_TYPES.length, 146);
  t.ok(
    validateScopes(
      FHIR_R4_RESOURCE_TYPES.map((type) => `system/${type}.rs`),
      'v2',
    ).ok,
  );
});

t.test('rejects a scope whose letters are out of order', async (t) => {
  t.match(problem('system/Patient.sr', 'v2'), /"system\/Patient.sr" has its permission letters out of order: write rs/);
});

t.test('rejects unknown and repeated permission letters', async (t) => {
  t.match(problem('system/Patient.rx', 'v2'), /unknown permission letters x/);
  t.match(problem('system/Patient.rr', 'v2'), /repeats the permission letter r/);
});

t.test('rejects empty permissions', async (t) => {
  t.match(problem('system/Patient.', 'v2'), /grants no permissions/);
  t.match(problem('system/Patient.', 'v1'), /grants no permissions/);
  t.match(problem('system/Patient', 'v2'), /has no permissions/);
});

t.test('rejects lower-case and unknown resource types', async (t) => {
  t.match(problem('system/patient.rs', 'v2'), /upper-case letter; did you mean Patient\?/);
  t.match(problem('system/Patients.rs', 'v2'), /"Patients" is not a FHIR R4 resource type/);
  t.match(problem('system/.rs', 'v2'), /names no resource type/);
  t.match(problem('system/Pat-ient.rs', 'v2'), /is not a FHIR resource type/);
});

t.test('rejects patient and user scopes: backend services are system-only', async (t) => {
  t.match(problem('patient/Patient.rs', 'v2'), /patient\/ scope.*only system\/ scopes/);
  t.match(problem('user/Observation.read', 'v1'), /user\/ scope.*only system\/ scopes/);
  t.match(problem('launch/patient', 'v2'), /not a SMART system scope/);
  t.match(problem('openid', 'v2'), /not a SMART system scope/);
});

t.test('rejects wildcards anywhere but the resource position', async (t) => {
  t.match(problem('system/Patient.*', 'v2'), /wildcard in the permissions/);
  t.match(problem('system/Pat*.rs', 'v2'), /wildcard inside the resource type/);
  t.match(problem('*/Patient.rs', 'v2'), /not a SMART system scope/);
});

t.test('rejects whitespace inside a scope', async (t) => {
  t.match(problem('system/Patient.rs system/Coverage.rs', 'v2'), /contains whitespace/);
  t.match(problem(' system/Patient.rs', 'v2'), /contains whitespace/);
});

t.test('rejects v2 query restrictions and says that Aidbox would not enforce them', async (t) => {
  const message = problem('system/Observation.rs?category=laboratory', 'v2');
  t.match(message, /Aidbox does not enforce search-parameter restrictions on system scopes/);
  t.match(message, /silently grant/);
});

t.test('a service scopes must all be of its version', async (t) => {
  t.match(problem('system/Patient.rs', 'v1'), /uses v2 permission letters, but the service uses v1/);
  t.match(problem('system/Patient.read', 'v2'), /uses v1 permissions, but the service uses v2/);
  t.match(problem('system/Patient.readwrite', 'v1'), /unknown permission/);
});

t.test('reports every bad scope with its position', async (t) => {
  const result = validateScopes(['system/Patient.rs', 'system/x.rs', 'patient/Patient.rs'], 'v2');
  t.equal(result.ok, false);
  if (!result.ok)
    t.same(
      result.problems.map((p) => p.index),
      [1, 2],
    );
  t.equal(validateScopes([], 'v2').ok, false);
});

t.test('converts v1 to v2: read = rs, write = cud, * = cruds', async (t) => {
  t.equal(toV2('system/Patient.read', 'v1'), 'system/Patient.rs');
  t.equal(toV2('system/Patient.write', 'v1'), 'system/Patient.cud');
  t.equal(toV2('system/*.*', 'v1'), 'system/*.cruds');
  t.equal(toV2('system/Coverage.rs', 'v2'), 'system/Coverage.rs');
  t.throws(() => toV2('system/patient.read', 'v1'));
});

t.test('merges grants per resource for the access policy', async (t) => {
  t.same(grantsOf(['system/Patient.read', 'system/Patient.write', 'system/*.read'], 'v1'), [
    { resource: '*', permissions: ['r', 's'] },
    { resource: 'Patient', permissions: ['c', 'r', 'u', 'd', 's'] },
  ]);
});

t.test('never throws on arbitrary input, and what it accepts is well-formed', async (t) => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom('v1' as const, 'v2' as const), (scope, version) => {
      const parsed = parseScope(scope, version);
      if (!parsed.ok) return typeof parsed.reason === 'string' && parsed.reason.length > 0;
      return scope.startsWith('system/') && parsed.scope.permissions.length > 0;
    }),
  );
  t.pass('property held');
});

t.test('builds v2 scopes with the ticked letters in cruds order', async (t) => {
  t.equal(buildScope('v2', 'Patient', ['s', 'r']), 'system/Patient.rs');
  t.equal(buildScope('v2', '*', ['d', 'c']), 'system/*.cd');
  t.equal(buildScope('v2', 'Patient', []), undefined, 'nothing ticked, no scope');
});

t.test('builds the v1 scope that covers every ticked operation', async (t) => {
  t.equal(buildScope('v1', 'Patient', ['r']), 'system/Patient.read');
  t.equal(buildScope('v1', 'Patient', ['s']), 'system/Patient.read');
  t.equal(buildScope('v1', 'Observation', ['u']), 'system/Observation.write');
  t.equal(buildScope('v1', '*', ['r', 'c']), 'system/*.*');
});

t.test('builds only valid scopes whose grants include every ticked operation', async (t) => {
  const resources = fc.constantFrom('*', ...FHIR_R4_RESOURCE_TYPES);
  const ticked = fc.subarray([...PERMISSIONS], { minLength: 1 });
  fc.assert(
    fc.property(fc.constantFrom('v1' as const, 'v2' as const), resources, ticked, (version, resource, permissions) => {
      const scope = buildScope(version, resource, permissions);
      if (scope === undefined || !validateScopes([scope], version).ok) return false;
      const granted = grantsOf([scope], version)[0]?.permissions ?? [];
      return permissions.every((p) => granted.includes(p));
    }),
  );
  t.pass('property held');
});
