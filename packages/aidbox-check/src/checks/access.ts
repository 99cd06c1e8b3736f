/**
 * What a provisioned client may reach (infra/aidbox/NOTES.md, "Open questions (scopes and permissions)"): token
 * claims and scopes, the wildcard over payer types, each permission's interactions, what is never granted, and
 * deactivation. Every request addresses ids that do not exist or searches that return at most one entry, and the
 * only write is a delete of a resource that is not there: nothing is read from or written to real data.
 */
import { randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import { type Check, judge, statuses } from '../check.ts';

const SCOPE_DOCS =
  'HealthSamurai/aidbox-docs docs/access-control/authorization/smart-on-fhir/smart-scopes-for-limiting-access.md; ' +
  'HealthSamurai/payerbox-docs docs/api-reference/authentication.md';
const POLICY_DOCS = 'HealthSamurai/aidbox-docs docs/access-control/authorization/access-policies.md';

/** An id that no resource has. */
const absentId = () => `aidbox-check-${randomBytes(8).toString('hex')}`;
/** Allowed by the policies: anything but 401 and 403 (a 404 for an absent id is the policy saying yes). */
const allowed = (status: number) => status !== 401 && status !== 403;

export const ACCESS_CHECKS: readonly Check[] = [
  {
    id: 'scopes.no-atv-for-portal-clients',
    question: "Do tokens of the portal's Clients (no type) leave scopes to the policies (no atv: 2)?",
    expected: 'no atv: 2 in the token: Aidbox then decides by AccessPolicies alone',
    docs: SCOPE_DOCS,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/*.rs'] });
      const claims = decodeJwt(await client.accessToken('system/*.rs'));
      return judge(claims.atv !== 2, `atv ${JSON.stringify(claims.atv)}; scope ${JSON.stringify(claims.scope)}`);
    },
  },
  {
    id: 'scopes.wildcard-reaches-payer-types',
    question: 'Does a system/*.rs client search Coverage, ExplanationOfBenefit and Claim?',
    expected: "200 for each (Aidbox's documented smart-app expansion leaves these types out)",
    docs: SCOPE_DOCS,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/*.rs'] });
      const token = await client.accessToken('system/*.rs');
      const answers = {
        Coverage: await session.fhir('/Coverage?_count=1', token),
        ExplanationOfBenefit: await session.fhir('/ExplanationOfBenefit?_count=1', token),
        Claim: await session.fhir('/Claim?_count=1', token),
      };
      return judge(
        Object.values(answers).every((answer) => answer.status === 200),
        statuses(answers),
      );
    },
  },
  {
    id: 'scopes.omitted-scope',
    question: 'Does a token request without scope get a token that the policy then governs?',
    expected: '200, and the client reads what its policy allows',
    docs: SCOPE_DOCS,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const answer = await client.tokenWithSecret();
      if (answer.status !== 200 || !answer.body.access_token) {
        return { observed: `${answer.status} ${answer.body.error ?? ''}`, verdict: 'fail' };
      }
      const search = await session.fhir('/Patient?_count=1', answer.body.access_token);
      return judge(search.status === 200, `token scope ${JSON.stringify(answer.body.scope)}; search ${search.status}`);
    },
  },
  {
    id: 'scopes.narrower-and-uncovered',
    question: 'Is a narrower scope granted, and one the client does not hold refused?',
    expected:
      'system/Patient.rs from a system/*.rs client: 200; system/Patient.cruds from a system/Patient.rs one: 400 invalid_scope',
    docs: SCOPE_DOCS,
    async run(session) {
      const wide = await session.serviceClient({ scopes: ['system/*.rs'] });
      const narrow = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const narrower = await wide.tokenWithSecret('system/Patient.rs');
      const uncovered = await narrow.tokenWithSecret('system/Patient.cruds');
      const observed =
        `narrower: ${narrower.status} scope ${JSON.stringify(narrower.body.scope)}; ` +
        `uncovered: ${uncovered.status} ${uncovered.body.error ?? JSON.stringify(uncovered.body.scope)}`;
      if (narrower.status !== 200) return { observed, verdict: 'fail' };
      return { observed, verdict: uncovered.status === 400 ? 'pass' : 'differs-from-docs' };
    },
  },
  {
    id: 'permissions.read-without-search',
    question: 'Does system/Patient.r allow reads, vreads and instance history but no search?',
    expected: 'read, vread and _history of a Patient pass the policy (404 for an absent id); search 403',
    docs: POLICY_DOCS,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.r'] });
      const token = await client.accessToken();
      const id = absentId();
      const answers = {
        read: await session.fhir(`/Patient/${id}`, token),
        vread: await session.fhir(`/Patient/${id}/_history/1`, token),
        history: await session.fhir(`/Patient/${id}/_history`, token),
        search: await session.fhir('/Patient?_count=1', token),
      };
      return judge(
        allowed(answers.read.status) &&
          allowed(answers.vread.status) &&
          allowed(answers.history.status) &&
          answers.search.status === 403,
        statuses(answers),
      );
    },
  },
  {
    id: 'permissions.delete-with-d',
    question: 'Does system/Patient.d allow a delete, and system/Patient.rs refuse it?',
    expected: 'DELETE of an absent Patient passes the policy with d (200/204/404) and is 403 without',
    docs: POLICY_DOCS,
    async run(session) {
      const deleter = await session.serviceClient({ scopes: ['system/Patient.d'] });
      const reader = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const id = absentId();
      const answers = {
        'with d': await session.fhir(`/Patient/${id}`, await deleter.accessToken(), { method: 'DELETE' }),
        'without d': await session.fhir(`/Patient/${id}`, await reader.accessToken(), { method: 'DELETE' }),
      };
      return judge(allowed(answers['with d'].status) && answers['without d'].status === 403, statuses(answers));
    },
  },
  {
    id: 'permissions.type-pinned-in-path',
    question: 'Can a query parameter named resource/type move a Patient-only client to another type?',
    expected: '403 for GET /fhir/Observation?resource%2Ftype=Patient (the policy pins the type in the path)',
    docs: POLICY_DOCS,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const answer = await session.fhir('/Observation?resource%2Ftype=Patient&_count=1', await client.accessToken());
      return judge(answer.status === 403, `${answer.status}`);
    },
  },
  {
    id: 'permissions.no-bundles',
    question: 'Are transactions refused to a client the scopes allow everything on Patient?',
    expected: '403 for POST /fhir with a transaction (the derived policy grants no Bundle)',
    docs: POLICY_DOCS,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.cruds'] });
      // Its one entry deletes a Patient that does not exist: harmless should the Bundle wrongly go through.
      const bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ request: { method: 'DELETE', url: `Patient/${absentId()}` } }],
      };
      const answer = await session.fhir('', await client.accessToken(), { method: 'POST', body: bundle });
      return judge(answer.status === 403, `${answer.status}`);
    },
  },
  {
    id: 'deactivation.stops-existing-tokens',
    question: 'Does deactivating a Client (active: false) stop the tokens it already holds?',
    expected: '401 or 403 with a token issued before the Client was deactivated (its policy requires client.active)',
    docs: 'HealthSamurai/aidbox-docs docs/reference/system-resources-reference/core-module-resources.md (Client.active)',
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const token = await client.accessToken();
      const before = await session.fhir('/Patient?_count=1', token);
      await session.provisionerApi.patchClient(client.clientId, { active: false });
      const after = await session.fhir('/Patient?_count=1', token);
      const refused = after.status === 401 || after.status === 403;
      return judge(before.status === 200 && refused, `before: ${before.status}; after: ${after.status}`);
    },
  },
];
