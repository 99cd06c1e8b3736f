import t from 'tap';
import { type CheckResult, exitCode, renderTable, totals } from '../src/report.ts';

const result = (id: string, verdict: CheckResult['verdict'], observed = 'as expected'): CheckResult => ({
  id,
  question: `does ${id} hold?`,
  expected: 'it holds',
  observed,
  verdict,
});

t.test('a run fails when a check failed or when no check ran', async (t) => {
  t.equal(exitCode([result('a', 'pass'), result('b', 'differs-from-docs'), result('c', 'skipped')]), 0);
  t.equal(exitCode([result('a', 'pass'), result('b', 'fail')]), 1);
  t.equal(exitCode([]), 1);
});

t.test('counts every verdict', async (t) => {
  t.same(totals([result('a', 'pass'), result('b', 'pass'), result('c', 'fail')]), {
    pass: 2,
    fail: 1,
    'differs-from-docs': 0,
    skipped: 0,
  });
});

t.test('the table wraps long observations inside their column and ends with the totals', async (t) => {
  const long = 'Aidbox answered 403 with an OperationOutcome saying the scope does not cover Coverage '.repeat(2);
  const table = renderTable([result('scopes.wildcard', 'fail', long), result('tokens.type', 'pass')]);
  const lines = table.split('\n');
  t.match(lines[0], /^check +\| expected +\| observed +\| verdict$/);
  t.ok(
    lines.every((line) => line.length <= 34 + 44 + 44 + 17 + 9),
    'no line is wider than the columns',
  );
  t.ok(lines.filter((line) => line.includes('| fail')).length === 1, 'the verdict stands once, on the first line');
  t.ok(table.replace(/\s+\|\s+|\n/g, ' ').includes('Coverage'), 'nothing of the observation is lost');
  t.equal(lines.at(-1), '1 pass, 1 fail, 0 differs-from-docs, 0 skipped');
});
