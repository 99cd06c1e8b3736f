import fc from 'fast-check';
import t from 'tap';
import {
  CONFIGURATION_FIELDS,
  configurationChanges,
  configurationOf,
  type ServiceConfiguration,
} from '../src/index.ts';

const stored: ServiceConfiguration = {
  name: 'Claims export',
  description: 'Nightly bulk export',
  authMethod: 'jwks_uri',
  jwksUri: 'https://keys.example/jwks.json',
  productionJwksUri: null,
  scopeVersion: 'v2',
  scopes: ['system/Coverage.rs', 'system/Patient.rs'],
  organizationId: null,
};

t.test('the configuration of a service is its configuration fields and nothing else', async (t) => {
  const service = { ...stored, id: 'svc-1', status: 'active', clientSecretCiphertext: Buffer.from('sealed') };
  t.same(configurationOf(service), stored);
  t.same(Object.keys(configurationOf(service)), [...CONFIGURATION_FIELDS]);
});

t.test('records nothing when every field keeps its stored value', async (t) => {
  t.same(configurationChanges(stored, { ...stored }), { changed: [], changes: {} });
});

t.test(
  'records only the description, with its value before and after, when only the description changed',
  async (t) => {
    t.same(configurationChanges(stored, { ...stored, description: 'Weekly bulk export' }), {
      changed: ['description'],
      changes: { description: { from: 'Nightly bulk export', to: 'Weekly bulk export' } },
    });
    t.same(configurationChanges(stored, { ...stored, description: null }).changes, {
      description: { from: 'Nightly bulk export', to: null },
    });
  },
);

t.test('records nothing for the same scopes in another order or repeated', async (t) => {
  const reordered = { ...stored, scopes: ['system/Patient.rs', 'system/Coverage.rs', 'system/Patient.rs'] };
  t.same(configurationChanges(stored, reordered).changed, []);
});

t.test('records scopes with their lists before and after when the set of scopes changed', async (t) => {
  const scopes = ['system/Patient.rs'];
  t.same(configurationChanges(stored, { ...stored, scopes }), {
    changed: ['scopes'],
    changes: { scopes: { from: stored.scopes, to: scopes } },
  });
});

t.test(
  'says a secret was issued when the method switches to client_secret, and removed when it switches back',
  async (t) => {
    const secretService = { ...stored, authMethod: 'client_secret', jwksUri: null } as const;
    t.same(configurationChanges(stored, secretService), {
      changed: ['authMethod', 'jwksUri'],
      changes: {
        authMethod: { from: 'jwks_uri', to: 'client_secret' },
        jwksUri: { from: 'https://keys.example/jwks.json', to: null },
      },
      secret: 'issued',
    });
    t.match(configurationChanges(secretService, stored), { changed: ['authMethod', 'jwksUri'], secret: 'removed' });
    t.notOk('secret' in configurationChanges(stored, { ...stored, name: 'Renamed' }), 'no secret word otherwise');
  },
);

t.test('lists changed fields in one fixed order, the keys of the changes', async (t) => {
  const everything: ServiceConfiguration = {
    name: 'Other',
    description: null,
    authMethod: 'client_secret',
    jwksUri: null,
    productionJwksUri: 'https://keys.example/production.json',
    scopeVersion: 'v1',
    scopes: ['system/Patient.read'],
    organizationId: 'org-1',
  };
  const all = configurationChanges(stored, everything);
  t.same(all.changed, CONFIGURATION_FIELDS, 'every field, in the order of CONFIGURATION_FIELDS');
  t.same(all.changed, [...all.changed].sort(), 'which is alphabetical');
});

t.test('the changed fields are exactly those whose values differ, whatever the configurations', async (t) => {
  const configuration = fc.record({
    name: fc.constantFrom('a', 'b'),
    description: fc.constantFrom(null, 'x'),
    authMethod: fc.constantFrom('jwks_uri' as const, 'client_secret' as const),
    jwksUri: fc.constantFrom(null, 'https://keys.example/a'),
    productionJwksUri: fc.constantFrom(null, 'https://keys.example/production'),
    scopeVersion: fc.constantFrom('v1' as const, 'v2' as const),
    scopes: fc.subarray(['system/Patient.rs', 'system/Coverage.rs', 'system/*.s'], { minLength: 1 }),
    organizationId: fc.constantFrom(null, 'org-1'),
  });
  fc.assert(
    fc.property(configuration, configuration, (before, after) => {
      const { changed, changes } = configurationChanges(before, after);
      const differing = CONFIGURATION_FIELDS.filter((field) =>
        field === 'scopes'
          ? [...before.scopes].sort().join() !== [...after.scopes].sort().join()
          : before[field] !== after[field],
      );
      return (
        JSON.stringify(changed) === JSON.stringify(differing) &&
        JSON.stringify(Object.keys(changes)) === JSON.stringify(differing) &&
        configurationChanges(after, after).changed.length === 0
      );
    }),
  );
  t.pass('property held');
});
