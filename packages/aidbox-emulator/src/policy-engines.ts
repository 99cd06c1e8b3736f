/**
 * The AccessPolicy engines the emulator runs (`docs/access-control/authorization/access-policies.md` § Evaluation
 * engines): `allow`, `matcho`, and `complex`, which combines rules written for any of them with `and` or `or`.
 *
 * - `and`: the rules are applied top to bottom until one rejects; "There are no more policies to evaluate. It means
 *   the access is granted", so an empty `and` grants, as documented.
 * - `or`: applied until one grants; an empty `or` grants nothing.
 * - "it is forbidden to have both `and` and `or` keys on the same level": such a rule never grants (the store also
 *   refuses it, `access-policy-resource.ts`), and neither does a rule of any other engine.
 */
import { isJsonObject } from './json-value.ts';
import { matchesPattern } from './matcho.ts';

/** Whether one rule (a whole AccessPolicy, or one member of a `complex` rule's `and`/`or`) grants the request. */
export function ruleAllows(rule: unknown, request: object): boolean {
  if (!isJsonObject(rule)) return false;
  switch (rule.engine) {
    case 'allow':
      return true;
    case 'matcho':
      return matchesPattern(rule.matcho, request);
    case 'complex': {
      const { and, or } = rule;
      if (Array.isArray(and) && or === undefined) return and.every((member) => ruleAllows(member, request));
      if (Array.isArray(or) && and === undefined) return or.some((member) => ruleAllows(member, request));
      return false;
    }
    default:
      return false;
  }
}
