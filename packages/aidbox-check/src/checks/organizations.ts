/**
 * OrgBAC in production (infra/aidbox/NOTES.md, "Open questions (organizations and transient statuses)"): a client
 * bound to an organization works through that organization's base, and nothing a caller sends in a query string
 * moves it to another organization or off the base.
 */
import { randomBytes } from 'node:crypto';
import { type Check, judge, statuses } from '../check.ts';
import type { CheckSession, ServiceClient } from '../session.ts';

const DOCS =
  'HealthSamurai/aidbox-docs docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md';

export function skipUnlessOrgbac(session: CheckSession): string | undefined {
  if (!session.target.orgbac) return 'OrgBAC is off here (production with ORGBAC_ENABLED=true only)';
  return undefined;
}

/** The organization to bind to: given, or the first one the reader lists. */
const organizations = new WeakMap<CheckSession, Promise<string[]>>();
function knownOrganizations(session: CheckSession): Promise<string[]> {
  let ids = organizations.get(session);
  if (!ids) {
    ids = (async () => {
      if (!session.target.reader) return session.target.organizationId ? [session.target.organizationId] : [];
      const answer = await session.rest(session.target.reader, 'GET', '/Organization?_count=10');
      const entries = (answer.body as { entry?: { resource?: { id?: string } }[] } | undefined)?.entry ?? [];
      const listed = entries.flatMap((entry) => (entry.resource?.id ? [entry.resource.id] : []));
      const given = session.target.organizationId;
      return given ? [given, ...listed.filter((id) => id !== given)] : listed;
    })();
    organizations.set(session, ids);
  }
  return ids;
}

/** A throwaway client bound to the organization the checks use; `other` is a second organization, if any. */
export async function boundClient(
  session: CheckSession,
  scopes: readonly string[],
): Promise<{ client: ServiceClient; organization: string; other?: string }> {
  const [organization, other] = await knownOrganizations(session);
  if (!organization) throw new Error('no organization to bind to: pass --organization or give reader credentials');
  const client = await session.serviceClient({ scopes, organizationId: organization });
  return { client, organization, ...(other && { other }) };
}

async function boundClientToken(
  session: CheckSession,
  scopes: readonly string[] = ['system/Patient.rs'],
): Promise<{ token: string; organization: string; other?: string }> {
  const { client, ...organizations } = await boundClient(session, scopes);
  return { token: await client.accessToken(), ...organizations };
}

export const ORGANIZATION_CHECKS: readonly Check[] = [
  {
    id: 'orgbac.bound-client-reads-its-base',
    question: "Is a bound client's client_credentials token accepted on its organization's FHIR base?",
    expected: '200 for GET /Organization/<org>/fhir/Patient?_count=1',
    docs: DOCS,
    skip: skipUnlessOrgbac,
    async run(session) {
      const { token, organization } = await boundClientToken(session);
      const answer = await session.server(`/Organization/${organization}/fhir/Patient?_count=1`, token);
      return judge(answer.status === 200, `${answer.status}`);
    },
  },
  {
    id: 'orgbac.query-cannot-move-organization',
    question: 'Can a query parameter named organization/id take a bound client off its base or to another one?',
    expected: "403 on the root base and on another organization's base, whatever params says",
    docs: `${DOCS}; HealthSamurai/aidbox-docs docs/access-control/authorization/access-policies.md`,
    skip: skipUnlessOrgbac,
    async run(session) {
      const { token, organization, other } = await boundClientToken(session);
      const query = `organization%2Fid=${encodeURIComponent(organization)}&_count=1`;
      const answers: Record<string, { status: number }> = {
        'root base': await session.fhir(`/Patient?${query}`, token),
      };
      if (other)
        answers['another organization'] = await session.server(`/Organization/${other}/fhir/Patient?${query}`, token);
      return judge(
        Object.values(answers).every((answer) => answer.status === 403),
        `${statuses(answers)}${other ? '' : ' (one organization only: the second request was not sent)'}`,
      );
    },
  },
  {
    id: 'orgbac.write-by-method-and-path',
    question: 'Does a bound client with d delete through its organization base (writes have no documented ids)?',
    expected: 'DELETE of an absent Patient on the base passes the policy (200/204/404), matched by method and path',
    docs: DOCS,
    skip: skipUnlessOrgbac,
    async run(session) {
      const { token, organization } = await boundClientToken(session, ['system/Patient.d']);
      const path = `/Organization/${organization}/fhir/Patient/aidbox-check-${randomBytes(8).toString('hex')}`;
      const answer = await session.server(path, token, { method: 'DELETE' });
      return judge(answer.status !== 401 && answer.status !== 403, `${answer.status}`);
    },
  },
  {
    id: 'orgbac.smart-configuration-under-base',
    question: 'Is the SMART configuration also served under an organization base?',
    expected: 'not documented (root only): the portal shows the root URL, so either answer works',
    docs: DOCS,
    skip: skipUnlessOrgbac,
    async run(session) {
      const [organization] = await knownOrganizations(session);
      if (!organization) throw new Error('no organization known: pass --organization or give reader credentials');
      const answer = await session.rest(
        'anonymous',
        'GET',
        `/Organization/${organization}/fhir/.well-known/smart-configuration`,
      );
      return answer.status === 200
        ? { observed: 'served under the organization base too', verdict: 'differs-from-docs' }
        : { observed: `${answer.status} (root only, as documented)`, verdict: 'pass' };
    },
  },
];
