/**
 * Bulk export through the derived policy (infra/aidbox/NOTES.md, "Open questions (bulk export: policy, conformance
 * check and compose)"): one real export of Patients (kick-off, polling as `Retry-After` says, the manifest, every
 * file), then the requests the policy must refuse. Refusals and the policy probes address a Group that does not exist,
 * so that a request the policy lets through starts nothing (Aidbox answers it 404, or 500 without storage); any
 * export a hole did start is cancelled. Files are streamed and only counted: on a real server they hold real data.
 */
import { randomBytes } from 'node:crypto';
import {
  downloadWithoutToken,
  type ExportAnswer,
  type ExportManifest,
  exportRequest,
  pollExport,
  readExportFile,
} from '../bulk-export-client.ts';
import { type Check, judge } from '../check.ts';
import type { CheckSession, ServiceClient } from '../session.ts';
import { boundClient, skipUnlessOrgbac } from './organizations.ts';

const EXPORT_DOCS = 'HealthSamurai/aidbox-docs docs/api/bulk-api/export.md';
const POLICY_DOCS =
  'HealthSamurai/aidbox-docs docs/access-control/authorization/access-policies.md, docs/reference/matcho-dsl-reference.md';
const ORGBAC_DOCS =
  'HealthSamurai/aidbox-docs docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md';

/** Default bound on polling one export: 5 minutes. */
const DEFAULT_MAX_WAIT_MS = 300_000;
/** Kick-offs answered 429 (one export at a time, export.md) are retried this many times, as Retry-After says. */
const BUSY_RETRIES = 5;

/** A Group id no server has: a kick-off for it that passes the policy starts nothing. */
const absentGroup = () => `aidbox-check-${randomBytes(8).toString('hex')}`;
const refused = (status: number) => status === 403;
/** Passed the policy: anything but 401 and 403 (a 404 for an absent Group, 429 when busy, 202 when started). */
const passedPolicy = (status: number) => status !== 401 && status !== 403;

/** Cancels, at clean-up, an export that `answer` started (a fresh token: the run may outlast the first). */
function cancelAtCleanup(session: CheckSession, client: ServiceClient, answer: ExportAnswer): string | undefined {
  const statusUrl = answer.status === 202 ? (answer.headers.get('content-location') ?? undefined) : undefined;
  if (statusUrl === undefined) return undefined;
  session.onCleanup(async () => {
    const cancel = await exportRequest(statusUrl, await client.accessToken(), { method: 'DELETE' });
    if (cancel.status !== 202 && cancel.status !== 404) throw new Error(`cancel ${statusUrl}: ${cancel.status}`);
  });
  return statusUrl;
}

/** A kick-off; a 202 is cancelled at clean-up whatever happens next. */
async function kickOff(session: CheckSession, client: ServiceClient, url: string, init = {}): Promise<ExportAnswer> {
  const answer = await exportRequest(url, await client.accessToken(), init);
  cancelAtCleanup(session, client, answer);
  return answer;
}

/** A kick-off that waits, as `Retry-After` says, while another export runs (429). */
async function kickOffWhenFree(session: CheckSession, client: ServiceClient, url: string): Promise<ExportAnswer> {
  let answer = await kickOff(session, client, url);
  for (let retry = 0; answer.status === 429 && retry < BUSY_RETRIES; retry++) {
    const seconds = Math.min(Math.max(Number(answer.headers.get('retry-after')) || 5, 1), 30);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    answer = await kickOff(session, client, url);
  }
  return answer;
}

/** `what: status` for each answer. */
function statusesOf(answers: Readonly<Record<string, { status: number }>>): string {
  return Object.entries(answers)
    .map(([what, answer]) => `${what}: ${answer.status}`)
    .join('; ');
}

export const BULK_EXPORT_CHECKS: readonly Check[] = [
  {
    id: 'bulk-export.patient-export-round-trip',
    question:
      'Does a system/Patient.rs client run a system-level export of Patients end to end, and is its status hidden from other clients?',
    expected:
      'kick-off 202 with Content-Location; 202 with Retry-After while running, then a 200 manifest; every file is NDJSON ' +
      'of Patients only (fetched with the token when requiresAccessToken, and refused without one); another client ' +
      'polling the status gets 403 or 404; cancel 202',
    docs: `${EXPORT_DOCS}; HealthSamurai/payerbox-docs docs/api-reference/operations/davinci-data-export.md`,
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const start = await kickOffWhenFree(session, client, `${session.fhirBase}/$export?_type=Patient`);
      const statusUrl = start.headers.get('content-location');
      if (start.status !== 202 || !statusUrl) {
        return { observed: `kick-off ${start.status} ${JSON.stringify(start.body ?? '')}`, verdict: 'fail' };
      }
      const maxWaitMs = session.options.bulkExportMaxWaitMs ?? DEFAULT_MAX_WAIT_MS;
      const { answer, polls } = await pollExport(statusUrl, await client.accessToken(), { maxWaitMs });
      const other = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const foreign = await exportRequest(statusUrl, await other.accessToken());
      const notes = [
        `kick-off 202`,
        `${polls} poll(s), last ${answer.status}`,
        `another client's poll ${foreign.status}`,
      ];
      if (answer.status !== 200) return { observed: notes.join('; '), verdict: 'fail' };
      const manifest = answer.body as ExportManifest;
      const output = manifest.output ?? [];
      const token = manifest.requiresAccessToken === true ? await client.accessToken() : undefined;
      let ok = typeof manifest.transactionTime === 'string' && Array.isArray(manifest.output);
      const firstUrl = output[0]?.url;
      if (token !== undefined && firstUrl !== undefined) {
        const withoutToken = await downloadWithoutToken(firstUrl);
        ok &&= withoutToken === 401 || withoutToken === 403;
        notes.push(`download without the token ${withoutToken}`);
      }
      let lines = 0;
      for (const file of output) {
        ok &&= file.type === 'Patient' && typeof file.url === 'string';
        if (typeof file.url !== 'string') continue;
        const reading = await readExportFile(file.url, token);
        const others = Object.keys(reading.types).filter((type) => type !== 'Patient');
        ok &&= reading.status === 200 && reading.unparsable === 0 && others.length === 0;
        lines += reading.lines;
        if (reading.status !== 200 || reading.unparsable > 0 || others.length > 0) {
          notes.push(`file ${file.type}: ${reading.status}, ${reading.unparsable} unparsable, other types ${others}`);
        }
      }
      notes.push(
        `manifest requiresAccessToken ${manifest.requiresAccessToken}, ${output.length} file(s), ${lines} Patient line(s)`,
      );
      const cancel = await exportRequest(statusUrl, await client.accessToken(), { method: 'DELETE' });
      notes.push(`cancel ${cancel.status}`);
      ok &&= cancel.status === 202 && (foreign.status === 403 || foreign.status === 404);
      return judge(ok, notes.join('; '));
    },
  },
  {
    id: 'bulk-export.out-of-scope-refused',
    question: 'Are kick-offs beyond what the scopes allow to read and search refused by the policy?',
    expected:
      '403 for _type naming another type, for a missing _type (not a wildcard client), for a client without an rs grant, and for POST (its _type is in the body)',
    docs: `${EXPORT_DOCS}; ${POLICY_DOCS}`,
    async run(session) {
      const patients = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const readOnly = await session.serviceClient({ scopes: ['system/Patient.r'] });
      const group = `${session.fhirBase}/Group/${absentGroup()}/$export`;
      const answers = {
        'system _type=Observation': await kickOff(session, patients, `${session.fhirBase}/$export?_type=Observation`),
        '_type=Patient,Observation': await kickOff(session, patients, `${group}?_type=Patient,Observation`),
        'no _type': await kickOff(session, patients, group),
        'read without search': await kickOff(session, readOnly, `${group}?_type=Patient`),
        POST: await kickOff(session, patients, group, {
          method: 'POST',
          body: { resourceType: 'Parameters', parameter: [{ name: '_type', valueString: 'Patient' }] },
        }),
      };
      return judge(
        Object.values(answers).every((answer) => refused(answer.status)),
        statusesOf(answers),
      );
    },
  },
  {
    id: 'bulk-export.storage-override-refused',
    question: 'Can a client choose where its export is written with _aidbox.* parameters (2605+)?',
    expected: '403 for _aidbox.storageBucket, plainly or percent-encoded, even for a system/*.rs client',
    docs: `${EXPORT_DOCS} (Overriding storage per request); ${POLICY_DOCS}`,
    async run(session) {
      const patients = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const everything = await session.serviceClient({ scopes: ['system/*.rs'] });
      const group = `${session.fhirBase}/Group/${absentGroup()}/$export`;
      const bucket = `aidbox-check-${randomBytes(4).toString('hex')}`;
      const answers = {
        '_aidbox.storageBucket': await kickOff(
          session,
          patients,
          `${group}?_type=Patient&_aidbox.storageBucket=${bucket}`,
        ),
        '%5Faidbox.storageBucket': await kickOff(
          session,
          patients,
          `${group}?_type=Patient&%5Faidbox.storageBucket=${bucket}`,
        ),
        'system/*.rs': await kickOff(session, everything, `${group}?_aidbox.storageBucket=${bucket}`),
      };
      return judge(
        Object.values(answers).every((answer) => refused(answer.status)),
        statusesOf(answers),
      );
    },
  },
  {
    id: 'bulk-export.policy-lets-permitted-requests-through',
    question:
      'Does the policy see a comma-separated _type as one string, and the query string where the docs show it (query-string)?',
    expected:
      'not 403 (404 for an absent Group) for _type=Patient,Coverage of a Patient and Coverage client, for a ' +
      'system/*.rs kick-off without a query string, and for the status of an absent export',
    docs: POLICY_DOCS,
    async run(session) {
      const two = await session.serviceClient({ scopes: ['system/Patient.rs', 'system/Coverage.rs'] });
      const everything = await session.serviceClient({ scopes: ['system/*.rs'] });
      const group = `${session.fhirBase}/Group/${absentGroup()}/$export`;
      const answers = {
        '_type=Patient,Coverage': await kickOff(session, two, `${group}?_type=Patient,Coverage`),
        'system/*.rs, no query string': await kickOff(session, everything, group),
        status: await exportRequest(`${session.fhirBase}/$export-status/${absentGroup()}`, await two.accessToken()),
      };
      return judge(
        Object.values(answers).every((answer) => passedPolicy(answer.status)),
        statusesOf(answers),
      );
    },
  },
  {
    id: 'orgbac.bound-client-exports-through-its-base',
    question: "Does a bound client's export pass the policy on its organization's base only?",
    expected:
      "not 403 (404 for an absent Group) on /Organization/<org>/fhir; 403 on the root base and on another organization's",
    docs: ORGBAC_DOCS,
    skip: skipUnlessOrgbac,
    async run(session) {
      const { client, organization, other } = await boundClient(session, ['system/Patient.rs']);
      const root = session.target.url.replace(/\/+$/, '');
      const path = `/fhir/Group/${absentGroup()}/$export?_type=Patient`;
      const answers: Record<string, ExportAnswer> = {
        'own base': await kickOff(session, client, `${root}/Organization/${organization}${path}`),
        'root base': await kickOff(session, client, `${root}${path}`),
      };
      if (other)
        answers['another organization'] = await kickOff(session, client, `${root}/Organization/${other}${path}`);
      const { 'own base': own, ...elsewhere } = answers;
      return judge(
        own !== undefined && passedPolicy(own.status) && Object.values(elsewhere).every((a) => refused(a.status)),
        `${statusesOf(answers)}${other ? '' : ' (one organization only: no other base was tried)'}`,
      );
    },
  },
];
