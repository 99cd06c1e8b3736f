import { AidboxError } from '../../src/index.ts';

/** The AidboxError a call fails with (any other outcome fails the test). */
export async function failure(promise: Promise<unknown>): Promise<AidboxError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AidboxError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}
