/**
 * How Aidbox answers the provisioner's writes when they collide or are invalid (infra/aidbox/NOTES.md): the client
 * retries 409 and 412 on PUT and DELETE, and reads `OperationOutcome` issues.
 */
import { accessPolicyId, accessPolicyResource } from '@payerbox/aidbox';
import { type Check, judge } from '../check.ts';

export const WRITE_CHECKS: readonly Check[] = [
  {
    id: 'writes.concurrent-puts',
    question: 'What do concurrent PUTs of one AccessPolicy get?',
    expected: 'only 200/201, or 409/412 with an OperationOutcome (which the portal retries)',
    docs: 'HealthSamurai/aidbox-docs docs/api/rest-api/crud/update.md (412 under serializable isolation)',
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const policy = accessPolicyResource(client.spec);
      const path = `/AccessPolicy/${accessPolicyId(client.clientId)}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          session.rest(session.target.provisioner, 'PUT', path, { ...policy, description: `aidbox-check ${i}` }),
        ),
      );
      const seen = [...new Set(answers.map((answer) => answer.status))].sort().join(', ');
      const acceptable = answers.every(
        (answer) =>
          answer.status === 200 ||
          answer.status === 201 ||
          ((answer.status === 409 || answer.status === 412) &&
            (answer.body as { resourceType?: string } | undefined)?.resourceType === 'OperationOutcome'),
      );
      return judge(acceptable, `statuses ${seen}`);
    },
  },
  {
    id: 'writes.validation-error-shape',
    question: 'How is an invalid Client refused?',
    expected: '422 (400 without compliant mode) with an OperationOutcome whose issues carry code and diagnostics',
    docs: 'HealthSamurai/aidbox-docs docs/api/rest-api/crud/create.md; docs/reference/all-settings.md (BOX_FHIR_COMPLIANT_MODE)',
    async run(session) {
      const client = await session.serviceClient({ scopes: ['system/Patient.rs'] });
      const answer = await session.rest(session.target.provisioner, 'PUT', `/Client/${client.clientId}`, {
        resourceType: 'Client',
        active: 'yes',
        grant_types: ['client_credentials'],
      });
      const body = answer.body as { resourceType?: string; issue?: { code?: string; diagnostics?: string }[] };
      const issue = body?.issue?.[0];
      const shaped = body?.resourceType === 'OperationOutcome' && Boolean(issue?.code && issue.diagnostics);
      const observed = `${answer.status} ${body?.resourceType ?? typeof answer.body}; first issue ${JSON.stringify(issue)}`;
      if (!shaped || (answer.status !== 422 && answer.status !== 400)) return { observed, verdict: 'fail' };
      return { observed, verdict: answer.status === 422 ? 'pass' : 'differs-from-docs' };
    },
  },
];
