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
