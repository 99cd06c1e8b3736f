import t from 'tap';
import { bulkExportGrant } from '../src/index.ts';

t.test('lets a service export exactly the types its scopes grant both read and search on', async (t) => {
  t.same(bulkExportGrant(['system/Coverage.rs', 'system/Patient.rs', 'system/Observation.r'], 'v2'), {
    allTypes: false,
    types: ['Coverage', 'Patient'],
  });
  t.same(bulkExportGrant(['system/Patient.cruds'], 'v2'), { allTypes: false, types: ['Patient'] });
});

t.test('counts a v1 read as read and search', async (t) => {
  t.same(bulkExportGrant(['system/Claim.read', 'system/Patient.write'], 'v1'), { allTypes: false, types: ['Claim'] });
  t.same(bulkExportGrant(['system/Patient.*'], 'v1'), { allTypes: false, types: ['Patient'] });
});

t.test('merges read and search given in separate scopes of one type', async (t) => {
  t.same(bulkExportGrant(['system/Patient.r', 'system/Patient.s'], 'v2'), { allTypes: false, types: ['Patient'] });
});

t.test('lets a wildcard read grant export every type', async (t) => {
  t.same(bulkExportGrant(['system/*.read'], 'v1'), { allTypes: true, types: [] });
  t.same(bulkExportGrant(['system/*.rs', 'system/Patient.rs'], 'v2'), { allTypes: true, types: ['Patient'] });
});

t.test('allows no export without a grant of both read and search on some type', async (t) => {
  t.equal(bulkExportGrant(['system/Patient.r', 'system/Coverage.s'], 'v2'), null, 'read and search on different types');
  t.equal(bulkExportGrant(['system/*.r', 'system/Patient.s'], 'v2'), null, "a wildcard's read is not a type's");
  t.equal(bulkExportGrant(['system/Patient.write'], 'v1'), null);
  t.equal(bulkExportGrant(['system/Patient.cud'], 'v2'), null);
});

t.test('refuses invalid scopes, as the scope grammar does', async (t) => {
  t.throws(() => bulkExportGrant(['system/Patient.read'], 'v2'));
});
