// End to end: a service registered in the portal and provisioned into the sandbox reaches exactly what its scopes
// name, wildcards included, because the policy derived from its scopes is the gate (its Client has no type, so the
// sandbox checks no token scopes and expands no wildcard).
import t from 'tap';
import { fhirStatus, tokenWithSecret } from './helpers/smart-client.ts';
import { readySecretService, startStack } from './helpers/stack.ts';

t.test('a service with system/*.rs reads and searches Coverage and ExplanationOfBenefit in the sandbox', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { clientId, clientSecret, sandbox } = await readySecretService(t, stack, {
    name: 'Payer data reader',
    scopeVersion: 'v2',
    scopes: ['system/*.rs'],
  });
  t.notOk('type' in (stack.emulators.sandbox.resource('Client', clientId) ?? {}), 'the Client has no type');

  const token = await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret);
  t.equal(token.status, 200, token.body.error ?? 'token granted');
  const accessToken = token.body.access_token as string;
  for (const path of [
    '/Coverage/cov-test-pt-1',
    '/Coverage?beneficiary=Patient/test-pt-1',
    '/ExplanationOfBenefit/eob-test-pt-1-1',
    '/ExplanationOfBenefit?patient=test-pt-1',
    '/Patient/test-pt-1',
  ]) {
    t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}${path}`, accessToken), 200, path);
  }
  const write = await fetch(`${sandbox.fhirBaseUrl}/Coverage/cov-test-pt-1`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  t.equal(write.status, 403, 'and no write: rs grants none');
});

t.test('a service with system/Patient.rs gets 403 on Observation in the sandbox', async (t) => {
  const stack = await startStack(t);
  await stack.startWorker();
  const { clientId, clientSecret, sandbox } = await readySecretService(t, stack, {
    name: 'Patient reader',
    scopeVersion: 'v2',
    scopes: ['system/Patient.rs'],
  });
  const token = await tokenWithSecret(sandbox.tokenUrl, clientId, clientSecret);
  const accessToken = token.body.access_token as string;
  t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Patient/test-pt-1`, accessToken), 200);
  t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Observation/obs-test-pt-1-a1c`, accessToken), 403);
  t.equal(await fhirStatus(`${sandbox.fhirBaseUrl}/Observation?patient=test-pt-1`, accessToken), 403);
  t.equal(
    await fhirStatus(`${sandbox.fhirBaseUrl}/Observation?resource%2Ftype=Patient`, accessToken),
    403,
    'a query parameter cannot move the request into the grant',
  );
});
