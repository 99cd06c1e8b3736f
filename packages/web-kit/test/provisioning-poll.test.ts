import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import t from 'tap';
import { PROVISIONING_POLL_MS, pollWhileProvisioning } from '../src/provisioning-poll.ts';

type State = EnvironmentStatus['state'];

/** A service as its detail query holds it; only the environments' states matter to the poll. */
function serviceIn(sandbox: State | null, production: State | null): BackendService {
  const environment = (state: State | null) => (state === null ? null : ({ state } as EnvironmentStatus));
  return { environments: { sandbox: environment(sandbox), production: environment(production) } } as BackendService;
}

const poll = (data: BackendService | undefined) => pollWhileProvisioning({ state: { data } });

t.test("a service's page polls every second while either environment is being provisioned", async (t) => {
  t.equal(PROVISIONING_POLL_MS, 1_000);
  t.equal(poll(serviceIn('pending', null)), PROVISIONING_POLL_MS);
  t.equal(poll(serviceIn('ready', 'pending')), PROVISIONING_POLL_MS);
});

t.test('a service page stops polling once no environment is pending, and before the service has loaded', async (t) => {
  t.equal(poll(serviceIn('ready', null)), false);
  t.equal(poll(serviceIn('ready', 'failed')), false);
  t.equal(poll(serviceIn('disabled', 'removed')), false);
  t.equal(poll(undefined), false);
});
