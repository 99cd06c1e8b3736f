/**
 * What the portal's own credentials may do (infra/aidbox/NOTES.md, "Open questions (least privilege)"): the
 * provisioning client writes the portal's Clients and their policies and nothing else; the reader reads
 * Organizations and nothing else. Probes that must be refused are harmless if a hole lets them through: a no-op
 * merge patch of `root`, ids no one uses, policies that match nothing; whatever they create is deleted.
 */
import { accessPolicyId } from '@payerbox/aidbox';
import { type Check, judge, statuses } from '../check.ts';
import { type CheckSession, throwawayClientId } from '../session.ts';

const NOTES =
  'infra/aidbox/NOTES.md, "The portal\'s own clients"; HealthSamurai/aidbox-docs docs/access-control/authorization/access-policies.md';
/** A matcho pattern no request has, so a policy written by a probe can grant nothing even if it is accepted. */
const MATCHES_NOTHING = { 'request-method': 'aidbox-check-never' };

/** PUTs `resource` as the provisioner and, if that was wrongly allowed, deletes it again. */
async function probeWrite(session: CheckSession, path: string, resource: unknown) {
  const answer = await session.rest(session.target.provisioner, 'PUT', path, resource);
  if (answer.status < 300) session.onCleanup(() => session.rest(session.target.provisioner, 'DELETE', path));
  return answer;
}

const refused = (answers: Record<string, { status: number }>) =>
  Object.values(answers).every((answer) => answer.status === 403);

export const CREDENTIAL_CHECKS: readonly Check[] = [
  {
    id: 'provisioner.writes-portal-clients',
    question: "Can the provisioning client write, read and delete the portal's own Clients and AccessPolicies?",
    expected: 'PUT, GET, merge-PATCH and DELETE of a bs-<hex> Client and its policy succeed',
    docs: NOTES,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const id = client.clientId;
      const as = session.target.provisioner;
      const answers = {
        'GET Client': await session.rest(as, 'GET', `/Client/${id}`),
        'PATCH Client': await session.rest(
          as,
          'PATCH',
          `/Client/${id}`,
          { active: true },
          'application/merge-patch+json',
        ),
        'GET policy': await session.rest(as, 'GET', `/AccessPolicy/${accessPolicyId(id)}`),
        'DELETE policy': await session.rest(as, 'DELETE', `/AccessPolicy/${accessPolicyId(id)}`),
        'DELETE Client': await session.rest(as, 'DELETE', `/Client/${id}`),
      };
      return judge(
        Object.values(answers).every((answer) => answer.status >= 200 && answer.status < 300),
        `PUT Client and policy: ok; ${statuses(answers)}`,
      );
    },
  },
  {
    id: 'provisioner.refused-other-clients',
    question: "Is the provisioning client refused on Clients that are not the portal's (root, any other id)?",
    expected: '403 for a no-op merge patch of Client/root, a PUT of a non-portal id, GET /Client',
    docs: NOTES,
    async run(session) {
      const as = session.target.provisioner;
      const answers = {
        'PATCH /Client/root {}': await session.rest(as, 'PATCH', '/Client/root', {}, 'application/merge-patch+json'),
        'PUT /Client/aidbox-check-…': await probeWrite(
          session,
          `/Client/aidbox-check-${throwawayClientId().slice(3)}`,
          {
            resourceType: 'Client',
            grant_types: ['client_credentials'],
            active: false,
          },
        ),
        'GET /Client': await session.rest(as, 'GET', '/Client'),
      };
      return judge(refused(answers), statuses(answers));
    },
  },
  {
    id: 'provisioner.refused-widening-clients',
    question: 'Is the provisioning client refused a portal Client that authenticates otherwise or is trusted?',
    expected: '403 for grant_types basic, trusted: true, type: smart-app',
    docs: NOTES,
    async run(session) {
      const client = (extra: Record<string, unknown>) => ({
        resourceType: 'Client',
        active: false,
        grant_types: ['client_credentials'],
        ...extra,
      });
      const answers = {
        basic: await probeWrite(session, `/Client/${throwawayClientId()}`, client({ grant_types: ['basic'] })),
        trusted: await probeWrite(session, `/Client/${throwawayClientId()}`, client({ trusted: true })),
        'smart-app': await probeWrite(session, `/Client/${throwawayClientId()}`, client({ type: 'smart-app' })),
      };
      return judge(refused(answers), statuses(answers));
    },
  },
  {
    id: 'provisioner.refused-global-policies',
    question: 'Is the provisioning client refused a policy that is global, allows everything or links elsewhere?',
    expected: '403 for a link-less policy, engine allow, a link to an Operation or to the provisioner itself',
    docs: NOTES,
    async run(session) {
      const policy = (extra: Record<string, unknown>) => {
        const id = throwawayClientId();
        return {
          path: `/AccessPolicy/${accessPolicyId(id)}`,
          body: {
            resourceType: 'AccessPolicy',
            engine: 'matcho',
            matcho: MATCHES_NOTHING,
            link: [{ resourceType: 'Client', id }],
            ...extra,
          },
        };
      };
      const write = async (extra: Record<string, unknown>) => {
        const { path, body } = policy(extra);
        return probeWrite(session, path, body);
      };
      const answers = {
        'no link': await write({ link: undefined }),
        'engine allow': await write({ engine: 'allow', matcho: undefined }),
        'link Operation': await write({ link: [{ resourceType: 'Operation', id: 'FhirRead' }] }),
        'link portal-provisioner': await write({ link: [{ resourceType: 'Client', id: 'portal-provisioner' }] }),
      };
      return judge(refused(answers), statuses(answers));
    },
  },
  {
    id: 'provisioner.no-data-access',
    question: 'Is the provisioning client kept away from the FHIR data and the organizations?',
    expected: '403 for GET /fhir/Patient and GET /Organization',
    docs: NOTES,
    async run(session) {
      const as = session.target.provisioner;
      const answers = {
        'GET /fhir/Patient': await session.rest(as, 'GET', '/fhir/Patient?_count=1'),
        'GET /Organization': await session.rest(as, 'GET', '/Organization?_count=1'),
      };
      return judge(refused(answers), statuses(answers));
    },
  },
  {
    id: 'reader.reads-organizations-only',
    question: 'Does the reader read Organizations and nothing else?',
    expected: '200 for GET /Organization; 403 for /Client, /AccessPolicy, /fhir/Patient and an _revinclude',
    docs: NOTES,
    skip: (session) => (session.target.reader ? undefined : 'no reader credentials given'),
    async run(session) {
      const as = session.target.reader;
      if (!as) throw new Error('no reader credentials');
      const allowed = await session.rest(as, 'GET', '/Organization?_count=2');
      const answers = {
        'GET /Client': await session.rest(as, 'GET', '/Client'),
        'GET /AccessPolicy': await session.rest(as, 'GET', '/AccessPolicy'),
        'GET /fhir/Patient': await session.rest(as, 'GET', '/fhir/Patient?_count=1'),
        _revinclude: await session.rest(as, 'GET', '/Organization?_revinclude=Patient:organization'),
      };
      return judge(
        allowed.status === 200 && refused(answers),
        `GET /Organization: ${allowed.status}; ${statuses(answers)}`,
      );
    },
  },
];
