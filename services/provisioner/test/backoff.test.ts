import { AidboxError } from '@payerbox/aidbox';
import t from 'tap';
import { backoffDelay } from '../src/backoff.ts';

t.test('grows exponentially under a cap, with full jitter', async (t) => {
  const top = () => 1;
  t.same(
    [1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 60_000, undefined, top)),
    [250, 500, 1000, 2000, 4000],
  );
  t.equal(backoffDelay(20, 60_000, undefined, top), 60_000, 'capped');
  t.equal(
    backoffDelay(3, 60_000, undefined, () => 0),
    0,
    'jitter may retry at once',
  );
  t.equal(
    backoffDelay(3, 60_000, undefined, () => 0.5),
    500,
  );
});

t.test("waits at least as long as Aidbox's Retry-After", async (t) => {
  const busy = new AidboxError('busy', {
    code: 'http_status',
    operation: 'PUT /Client/x',
    status: 503,
    retryAfterMs: 3_000,
  });
  t.equal(
    backoffDelay(1, 60_000, busy, () => 0),
    3_000,
  );
  t.equal(
    backoffDelay(1, 1_000, busy, () => 0),
    1_000,
    'but never beyond the cap',
  );
});
