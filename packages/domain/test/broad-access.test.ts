import t from 'tap';
import {
  broadAccessOf,
  buildScope,
  describeBroadAccess,
  grantedPermissions,
  grantsOf,
  PERMISSIONS,
  permissionGroup,
} from '../src/index.ts';

const reasonsFor = (scopes: string[], version: 'v1' | 'v2' = 'v2') => broadAccessOf(grantsOf(scopes, version));

t.test('calls every wildcard resource type broad, whatever it grants', async (t) => {
  t.same(reasonsFor(['system/*.*'], 'v1'), ['wildcard', 'write']);
  t.same(reasonsFor(['system/*.cruds']), ['wildcard', 'write']);
  t.same(reasonsFor(['system/*.u']), ['wildcard', 'write']);
  t.same(reasonsFor(['system/*.rs']), ['wildcard']);
});

t.test('calls any create, update or delete broad, and reading named types not', async (t) => {
  t.same(reasonsFor(['system/Patient.rs', 'system/Observation.d']), ['write']);
  t.same(reasonsFor(['system/Patient.write'], 'v1'), ['write']);
  t.same(reasonsFor(['system/Patient.rs', 'system/Coverage.s']), []);
});

t.test('says the reasons in words', async (t) => {
  t.equal(describeBroadAccess(['wildcard', 'write']), 'every resource type (wildcard) and write or delete access');
  t.equal(describeBroadAccess(['write']), 'write or delete access');
  t.equal(describeBroadAccess([]), '');
});

t.test('a v1 scope grants whole read or write groups, a v2 scope exactly the ticked operations', async (t) => {
  t.same(grantedPermissions('v1', ['u']), ['c', 'u', 'd']);
  t.same(grantedPermissions('v1', ['s']), ['r', 's']);
  t.same(grantedPermissions('v1', ['r', 'd']), ['c', 'r', 'u', 'd', 's']);
  t.same(grantedPermissions('v2', ['u', 'c']), ['c', 'u']);
  t.same(grantedPermissions('v1', []), []);
  t.same(permissionGroup('v1', 'd'), ['c', 'u', 'd']);
  t.same(permissionGroup('v2', 'd'), ['d']);
});

t.test('what the ticks are said to grant is what the built scope grants, for every set of ticks', async (t) => {
  for (const version of ['v1', 'v2'] as const) {
    for (let mask = 1; mask < 32; mask++) {
      const ticked = PERMISSIONS.filter((_, i) => mask & (1 << i));
      const scope = buildScope(version, 'Patient', ticked) ?? '';
      t.same(grantsOf([scope], version)[0]?.permissions, grantedPermissions(version, ticked), `${version} ${ticked}`);
    }
  }
});
