import t from 'tap';
import { classifyProposal, type ServiceConfiguration, scopesNarrow } from '../src/index.ts';

const approved: ServiceConfiguration = {
  name: 'Claims sync',
  description: null,
  authMethod: 'client_secret',
  jwksUri: null,
  productionJwksUri: null,
  scopeVersion: 'v2',
  scopes: ['system/Coverage.rs', 'system/Patient.rs'],
  organizationId: null,
};

t.test('a new name, a description and fewer scopes apply at once', async (t) => {
  const proposal = classifyProposal(approved, {
    ...approved,
    name: 'Claims sync (EU)',
    description: 'Nightly',
    scopes: ['system/Patient.r'],
  });
  t.ok(proposal.appliesAtOnce);
  t.same(proposal.changes.changed, ['description', 'name', 'scopes']);
});

t.test('an added scope, or an added permission, waits for review', async (t) => {
  t.notOk(
    classifyProposal(approved, { ...approved, scopes: [...approved.scopes, 'system/Observation.rs'] }).appliesAtOnce,
  );
  t.notOk(classifyProposal(approved, { ...approved, scopes: ['system/Patient.cruds'] }).appliesAtOnce);
});

t.test('a narrowing mixed with a widening change is reviewed as a whole', async (t) => {
  const proposal = classifyProposal(approved, {
    ...approved,
    name: 'Renamed',
    authMethod: 'jwks_uri',
    jwksUri: 'https://keys.example/jwks.json',
  });
  t.notOk(proposal.appliesAtOnce);
  t.same(proposal.changes.changed, ['authMethod', 'jwksUri', 'name']);
});

t.test('a scope version or an organization change waits for review even when it grants the same', async (t) => {
  t.notOk(
    classifyProposal(approved, { ...approved, scopeVersion: 'v1', scopes: ['system/Patient.read'] }).appliesAtOnce,
  );
  t.notOk(classifyProposal(approved, { ...approved, organizationId: 'org-2' }).appliesAtOnce);
});

t.test('a wildcard scope covers a proposed scope on any one resource, but a proposed wildcard needs one', async (t) => {
  const wide = { scopeVersion: 'v2' as const, scopes: ['system/*.rs'] };
  t.ok(scopesNarrow(wide, { scopeVersion: 'v2', scopes: ['system/Patient.r', 'system/Coverage.s'] }));
  t.notOk(scopesNarrow({ scopeVersion: 'v2', scopes: ['system/Patient.rs'] }, wide));
});

t.test('permissions granted by several approved scopes together cover a proposed scope', async (t) => {
  t.ok(
    scopesNarrow(
      { scopeVersion: 'v2', scopes: ['system/Patient.r', 'system/Patient.s'] },
      { scopeVersion: 'v2', scopes: ['system/Patient.rs'] },
    ),
  );
});
