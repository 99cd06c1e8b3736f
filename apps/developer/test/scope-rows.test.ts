import t from 'tap';
import {
  retick,
  type ScopeDraft,
  type ScopeRow,
  scopeRowProblems,
  scopesOf,
  switchVersion,
} from '../src/features/backend-services/components/scope-rows.ts';

const row = (key: number, resource: string | null, permissions: ScopeRow['permissions']): ScopeRow => ({
  key,
  resource,
  permissions,
});

t.test('switching v2 to v1 ticks everything the v1 scope grants and names the rows that grew', async (t) => {
  const draft: ScopeDraft = { version: 'v2', rows: [row(1, 'Patient', ['u']), row(2, 'Coverage', ['r', 's'])] };
  const switched = switchVersion(draft, 'v1');
  t.same(
    switched.draft.rows.map((r) => r.permissions),
    [
      ['c', 'u', 'd'],
      ['r', 's'],
    ],
  );
  t.same(switched.widened, [{ key: 1, resource: 'Patient', added: ['c', 'd'] }]);
  t.same(scopesOf(switched.draft), ['system/Patient.write', 'system/Coverage.read']);
  t.same(switchVersion(switched.draft, 'v2').widened, [], 'going back to v2 widens nothing');
});

t.test('in v1 a tick or an untick takes its whole read or write group along; in v2 only itself', async (t) => {
  t.same(retick('v1', [], ['u']), ['c', 'u', 'd']);
  t.same(retick('v1', ['c', 'u', 'd'], ['c', 'd']), []);
  t.same(retick('v1', ['c', 'r', 'u', 'd', 's'], ['c', 'u', 'd', 's']), ['c', 'u', 'd']);
  t.same(retick('v2', ['c', 'u'], ['c', 'u', 'd']), ['c', 'u', 'd']);
  t.same(retick('v2', ['c', 'u', 'd'], ['c', 'd']), ['c', 'd']);
});

t.test('refuses operations ticked without a resource, and a resource chosen twice', async (t) => {
  const problems = scopeRowProblems({
    version: 'v2',
    rows: [row(1, 'Patient', ['r']), row(2, null, ['s']), row(3, 'Patient', []), row(4, null, []), row(5, '*', ['r'])],
  });
  t.same(
    [...problems],
    [
      [2, 'Choose a resource for these operations, or untick them.'],
      [3, 'Patient is already resource 1: tick the operations there and remove this row.'],
    ],
  );
  t.equal(
    scopeRowProblems({ version: 'v2', rows: [row(1, '*', ['r']), row(2, '*', ['s'])] }).get(2),
    'All resources is already resource 1: tick the operations there and remove this row.',
  );
});
