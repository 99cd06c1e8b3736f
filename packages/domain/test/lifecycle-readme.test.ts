import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  actorFor,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type LifecycleState,
  requiresReason,
  SERVICE_STATUSES,
  transition,
} from '../src/index.ts';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const STATES: readonly LifecycleState[] = ['none', ...SERVICE_STATUSES];
const shown = (state: LifecycleState) => (state === 'none' ? '—' : state);

/** The README's row for `action`, as the domain table decides it. */
function rowOf(action: LifecycleAction): string[] {
  const actor = actorFor(action);
  const moves = STATES.flatMap((from) => {
    const result = transition(from, action, actor);
    return result.ok ? [result] : [];
  });
  const from = moves.map((m) => m.from);
  // Several states each kept as they are read "(same)"; one state (edit: draft → draft) is named.
  const keeps = moves.length > 1 && moves.every((m) => m.to === m.from);
  const targets = keeps ? ['(same)'] : [...new Set(moves.map((m) => shown(m.to)))];
  return [
    from.length === SERVICE_STATUSES.length && !from.includes('none') ? 'any' : from.map(shown).join(', '),
    requiresReason(action) ? `${action} (reason)` : action,
    targets.join(', '),
    actor,
  ];
}

/** The rows of the README's lifecycle table ("Lifecycle (from `packages/domain/src/lifecycle.ts`)"). */
function readmeRows(): string[][] {
  const start = README.indexOf('Lifecycle (from `packages/domain/src/lifecycle.ts`):');
  if (start < 0) throw new Error('the README has no lifecycle table');
  const lines = README.slice(start).split('\n').slice(2);
  const table = lines.slice(
    0,
    lines.findIndex((line) => !line.startsWith('|')),
  );
  return table.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim()),
  );
}

t.test("the README's lifecycle table is the domain's lifecycle table, action by action", async (t) => {
  const rows = readmeRows();
  t.same(
    rows.map((row) => row[1]?.replace(' (reason)', '')),
    [...LIFECYCLE_ACTIONS],
    'one row per action, in the order of LIFECYCLE_ACTIONS',
  );
  for (const action of LIFECYCLE_ACTIONS) {
    t.same(
      rows.find((row) => row[1]?.replace(' (reason)', '') === action),
      rowOf(action),
      `${action}: from, to and who`,
    );
  }
});
