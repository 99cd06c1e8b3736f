/**
 * Aidbox `AccessPolicy` (`docs/reference/system-resources-reference/core-module-resources.md` § AccessPolicy,
 * `docs/access-control/authorization/access-policies.md`). The emulator evaluates the `allow`, `matcho` and `complex`
 * engines only (`policy-engines.ts`) and refuses to store policies for other engines, so that a policy it cannot
 * evaluate is never mistaken for one that denies.
 */
import { isJsonObject, type JsonObject } from './json-value.ts';
import { Problems } from './resource-validation.ts';

export const SUPPORTED_ENGINES = ['matcho', 'allow', 'complex'] as const;

/** Resource types an AccessPolicy may link to. */
export const LINKABLE_TYPES = ['Client', 'User', 'Operation'] as const;

/** Every element of the AccessPolicy schema; those of engines the emulator does not run are accepted and ignored. */
const POLICY_ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'engine',
  'matcho',
  'link',
  'description',
  'type',
  'schema',
  'sql',
  'clj',
  'rpc',
  'and',
  'or',
  'roleName',
  'module',
  'source',
  '_source',
]);

export interface PolicyLink {
  readonly resourceType: string;
  readonly id: string;
}

export function validateAccessPolicy(policy: JsonObject): Problems {
  const problems = new Problems();
  problems.unknownKeys(policy, 'AccessPolicy', POLICY_ELEMENTS);
  problems.common(policy, 'AccessPolicy');
  problems.string(policy, 'description', 'AccessPolicy');
  if ('type' in policy && !['scope', 'rest', 'rpc'].includes(policy.type as string)) {
    problems.add('AccessPolicy.type', 'must be one of scope, rest, rpc');
  }
  validateRule(policy, 'AccessPolicy', problems);
  const links = problems.array(policy, 'link', 'AccessPolicy');
  links?.forEach((link, index) => {
    if (!parseLink(link)) {
      problems.add(
        `AccessPolicy.link.${index}`,
        `must be {resourceType, id} or {reference: "<type>/<id>"} with a type among ${LINKABLE_TYPES.join(', ')}`,
      );
    }
  });
  return problems;
}

/** Checks the engine of a policy, or of one member of a `complex` rule, and the fields that engine needs. */
function validateRule(rule: JsonObject, path: string, problems: Problems): void {
  if (!SUPPORTED_ENGINES.includes(rule.engine as (typeof SUPPORTED_ENGINES)[number])) {
    problems.add(`${path}.engine`, `must be one of ${SUPPORTED_ENGINES.join(', ')} (the engines the emulator runs)`);
  }
  if (rule.engine === 'matcho' && !isJsonObject(rule.matcho)) {
    problems.add(`${path}.matcho`, 'is required and must be an object when engine is matcho');
  } else if ('matcho' in rule && !isJsonObject(rule.matcho)) {
    problems.add(`${path}.matcho`, 'must be an object');
  }
  if (rule.engine !== 'complex') return;
  // "it is forbidden to have both `and` and `or` keys on the same level" (access-policies.md § Complex).
  if ('and' in rule === 'or' in rule) {
    problems.add(path, 'a complex rule needs exactly one of and, or');
    return;
  }
  const key = 'and' in rule ? 'and' : 'or';
  const members = problems.array(rule, key, path);
  members?.forEach((member, index) => {
    if (isJsonObject(member)) validateRule(member, `${path}.${key}.${index}`, problems);
    else problems.add(`${path}.${key}.${index}`, 'must be an object (a rule with its engine)');
  });
}

/** Reads a link written in Aidbox format (`{resourceType, id}`) or FHIR format (`{reference: "Client/x"}`). */
export function parseLink(link: unknown): PolicyLink | undefined {
  if (!isJsonObject(link)) return undefined;
  let resourceType: unknown = link.resourceType;
  let id: unknown = link.id;
  if (typeof link.reference === 'string' && resourceType === undefined && id === undefined) {
    const match = /^([A-Za-z]+)\/([A-Za-z0-9._-]{1,64})$/.exec(link.reference);
    if (!match) return undefined;
    [, resourceType, id] = match;
  }
  if (typeof resourceType !== 'string' || typeof id !== 'string' || id === '') return undefined;
  if (!(LINKABLE_TYPES as readonly string[]).includes(resourceType)) return undefined;
  return { resourceType, id };
}
