import t from 'tap';
import { secretCutoverState, secretSealingContext } from '../src/index.ts';

t.test('a cutover is pending until switched, applying until production has it, then applied', async (t) => {
  const at = new Date('2026-12-05T06:00:00Z');
  t.equal(secretCutoverState({ switchedAt: null, appliedAt: null }), 'pending');
  t.equal(secretCutoverState({ switchedAt: at, appliedAt: null }), 'applying');
  t.equal(secretCutoverState({ switchedAt: at, appliedAt: at }), 'applied');
});

t.test('seals the production secret to another context than the sandbox secret of the same service', async (t) => {
  const id = '0193a5c0-4f5e-7d6c-8b7a-695847362514';
  t.equal(secretSealingContext('sandbox', id), id, 'the sandbox secret as it always was');
  t.not(secretSealingContext('production', id), secretSealingContext('sandbox', id));
  t.equal(secretSealingContext('production', id, true), id, 'a secret migration 0014 copied from the sandbox');
});
