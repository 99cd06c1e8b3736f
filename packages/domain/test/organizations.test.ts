import t from 'tap';
import { organizationInEnvironment } from '../src/index.ts';

t.test('binds a service to its organization in production only', async (t) => {
  t.equal(organizationInEnvironment('production', 'org-east'), 'org-east');
  t.equal(organizationInEnvironment('sandbox', 'org-east'), null, 'the sandbox runs without OrgBAC');
});

t.test('leaves a service without an organization unbound everywhere', async (t) => {
  t.equal(organizationInEnvironment('production', null), null);
  t.equal(organizationInEnvironment('sandbox', null), null);
});
