import t from 'tap';
import { TapSummary } from '../src/tap-summary.ts';

const output = `TAP version 14
# Subtest: a.test.ts
    # Subtest: passes
        ok 1 - should be equal
        1..1
    ok 1 - passes # time=1ms
    # Subtest: fails
        not ok 1 - should be equal
        1..1
    not ok 2 - fails # time=1ms
    1..2
not ok 1 - a.test.ts # time=5ms
# Subtest: crashed.test.ts
    1..0
not ok 2 - crashed.test.ts # time=5ms
# Subtest: b.test.ts
    ok 1 - another # time=1ms
    1..1
ok 3 - b.test.ts # time=2ms
1..3
`;

t.test('counts each test of a file once, whatever its assertions', async (t) => {
  const summary = new TapSummary();
  summary.push(output);
  summary.end();
  t.same(summary.totals, { passed: 2, failed: 2 });
  t.same(summary.failures, ['a.test.ts: fails', 'crashed.test.ts']);
});

t.test('counts a file that failed outside any test as one failure', async (t) => {
  const summary = new TapSummary();
  summary.push('# Subtest: x.test.ts\n    1..0\nnot ok 1 - x.test.ts\n');
  summary.end();
  t.same(summary.totals, { passed: 0, failed: 1 });
});

t.test('reads output split at any point', async (t) => {
  const summary = new TapSummary();
  for (let i = 0; i < output.length; i += 7) summary.push(output.slice(i, i + 7));
  summary.end();
  t.same(summary.totals, { passed: 2, failed: 2 });
  t.same(summary.failures, ['a.test.ts: fails', 'crashed.test.ts']);
});
