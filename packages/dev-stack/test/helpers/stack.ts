import type { FaultOptions } from '@payerbox/aidbox-emulator';
import type { Test } from 'tap';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../src/local-stack.ts';

export { ROOT_CLIENT } from '../../src/local-stack.ts';

/** The local stack for one test, on the test run's database, torn down with the test. */
export async function startStack(
  t: Test,
  faults: FaultOptions = {},
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests with `pnpm test`');
  const stack = await startLocalStack(url, faults, options);
  t.teardown(() => stack.close());
  return stack;
}

/** A client-secret service registered through the API as the stack's developer, once its sandbox is ready. */
export async function readySecretService(
  t: Test,
  stack: LocalStack,
  service: { name: string; scopeVersion: 'v1' | 'v2'; scopes: string[] },
) {
  const created = await stack.developer.api('POST', '/backend-services', { ...service, authMethod: 'client_secret' });
  t.equal(created.status, 201, `${service.name} is registered`);
  const { id, clientId, clientSecret } = created.body as { id: string; clientId: string; clientSecret: string };
  const ready = await stack.waitForEnvironment(id, 'sandbox', 'ready');
  const sandbox = ready.environments.sandbox;
  if (!sandbox) throw new Error(`${service.name} has no sandbox environment`);
  return { id, clientId, clientSecret, sandbox };
}

/** The production secret of an approved client-secret service, retrieved (once) as its owner. */
export async function productionSecret(stack: LocalStack, serviceId: string): Promise<string> {
  const retrieved = await stack.developer.api('POST', `/backend-services/${serviceId}/production-secret`);
  if (retrieved.status !== 200) throw new Error(`no production secret: ${JSON.stringify(retrieved.body)}`);
  return retrieved.body.clientSecret as string;
}
