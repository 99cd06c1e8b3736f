import { createOwnDatabase } from '@payerbox/db';
import type { Test } from 'tap';
import { testDatabaseUrl } from './app.ts';

/**
 * A migrated database of its own on the test run's server, dropped at teardown: for tests of what is global to a
 * deployment (the cached organizations), which other suites running in parallel must not see or change.
 */
export async function isolatedDatabaseUrl(t: Test): Promise<string> {
  const own = await createOwnDatabase(testDatabaseUrl(), 'payerbox_isolated');
  t.teardown(own.drop);
  return own.url;
}
