/**
 * FHIR search over the in-memory store (FHIR R4 §3.1.1 "search"), for the parameters the portal and its tests need:
 * `_id`, `identifier` (token: `value`, `system|value`, `system|`), `_count` (with Aidbox's `_page`), reference parameters where the resource has them (`patient`, `subject`,
 * `beneficiary`, `organization`, `partof`, ...) and Organization `name`. Other parameters are ignored, so a search
 * may return more than a real server would, never less.
 */
import type { EmulatorContext } from './emulator-context.ts';
import type { JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import type { ResourceKind } from './resource-kinds.ts';

const DEFAULT_COUNT = 100;

/** Reference search parameters by resource type: parameter name -> element paths holding the reference. */
const REFERENCE_PARAMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Coverage: {
    patient: ['beneficiary'],
    beneficiary: ['beneficiary'],
    subscriber: ['subscriber'],
    payor: ['payor'],
    'policy-holder': ['policyHolder'],
  },
  ExplanationOfBenefit: {
    patient: ['patient'],
    insurer: ['insurer'],
    provider: ['provider'],
    coverage: ['insurance.coverage'],
  },
  Observation: { patient: ['subject'], subject: ['subject'], performer: ['performer'] },
  Patient: { organization: ['managingOrganization'], 'general-practitioner': ['generalPractitioner'] },
  Organization: { partof: ['partOf'] },
};

/** For types without an entry above: the usual elements behind these parameters. */
const GENERIC_REFERENCE_PARAMS: Readonly<Record<string, readonly string[]>> = {
  patient: ['patient', 'subject', 'beneficiary'],
  subject: ['subject'],
  beneficiary: ['beneficiary'],
};

/** Parameters whose references must point at a Patient (FHIR defines `patient` that way on every type). */
const PATIENT_PARAMS = new Set(['patient', 'beneficiary']);

/**
 * Searches `type` and answers a searchset Bundle; `base` is the URL of the type's endpoint. `visible`, when given,
 * leaves out the stored resources the caller may not see (an organization base's compartment) before anything is
 * counted or paged.
 */
export function searchBundle(
  context: EmulatorContext,
  kind: ResourceKind,
  type: string,
  query: URLSearchParams,
  base: string,
  visible: (stored: JsonObject) => boolean = () => true,
): JsonObject {
  const count = nonNegativeInteger(query, '_count', DEFAULT_COUNT);
  const page = Math.max(1, nonNegativeInteger(query, '_page', 1));
  const matches = searchMatches(context, kind, type, query, visible);
  const pageOf = matches.slice((page - 1) * count, page * count);
  const link = [{ relation: 'self', url: pageUrl(base, query, page) }];
  if (count > 0 && page * count < matches.length) link.push({ relation: 'next', url: pageUrl(base, query, page + 1) });
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    link,
    entry: pageOf.map((resource) => ({ fullUrl: `${base}/${resource.id}`, resource, search: { mode: 'match' } })),
  };
}

/** The resources of `type` (as `kind` shows them) that match every search parameter of `query`, paging aside. */
export function searchMatches(
  context: EmulatorContext,
  kind: ResourceKind,
  type: string,
  query: URLSearchParams,
  visible: (stored: JsonObject) => boolean = () => true,
): JsonObject[] {
  const filters = [...new Set(query.keys())].flatMap((name) => filterFor(type, name, query.getAll(name)) ?? []);
  return context.store
    .list(type)
    .filter((stored) => visible(stored.resource))
    .map((stored) => kind.view(stored))
    .filter((resource) => filters.every((filter) => filter(resource)));
}

/** The parameters of `query` that a search of `type` would ignore (paging parameters are understood). */
export function ignoredSearchParams(type: string, query: URLSearchParams): string[] {
  return [...new Set(query.keys())].filter(
    (name) => !PAGING_PARAMS.has(name) && filterFor(type, name, query.getAll(name)) === undefined,
  );
}

/** The search parameters the emulator honours for a type, for the CapabilityStatement. */
export function searchParamsOf(type: string): { name: string; type: 'token' | 'string' | 'reference' }[] {
  const references = Object.keys(REFERENCE_PARAMS[type] ?? GENERIC_REFERENCE_PARAMS);
  return [
    { name: '_id', type: 'token' },
    { name: 'identifier', type: 'token' },
    ...(type === 'Organization' ? [{ name: 'name', type: 'string' as const }] : []),
    ...references.map((name) => ({ name, type: 'reference' as const })),
  ];
}

type Filter = (resource: JsonObject) => boolean;

const PAGING_PARAMS = new Set(['_count', '_page']);

/** The filters of one parameter; undefined for a parameter the emulator does not understand (and ignores). */
function filterFor(type: string, name: string, values: readonly string[]): Filter[] | undefined {
  // Each repetition of a parameter must hold (AND); the comma-separated values of one repetition are ORed.
  const alternatives = values.map((value) => value.split(',').filter((part) => part !== ''));
  if (PAGING_PARAMS.has(name)) return [];
  if (name === '_id') {
    return alternatives.map((ids) => (resource) => ids.includes(String(resource.id)));
  }
  if (name === 'identifier') {
    return alternatives.map((tokens) => (resource) => {
      const identifiers = Array.isArray(resource.identifier) ? resource.identifier : [];
      return identifiers.some((identifier) => tokens.some((token) => matchesToken(identifier, token)));
    });
  }
  if (type === 'Organization' && name === 'name') {
    // FHIR string search: case-insensitive, matching the start of the name or an alias.
    return alternatives.map((prefixes) => (resource) => {
      const names = [resource.name, ...(Array.isArray(resource.alias) ? resource.alias : [])];
      return names.some(
        (text) => typeof text === 'string' && prefixes.some((p) => text.toLowerCase().startsWith(p.toLowerCase())),
      );
    });
  }
  const paths = REFERENCE_PARAMS[type]?.[name] ?? (REFERENCE_PARAMS[type] ? undefined : GENERIC_REFERENCE_PARAMS[name]);
  if (!paths) return undefined;
  const targetType = PATIENT_PARAMS.has(name) ? 'Patient' : undefined;
  return alternatives.map((targets) => (resource) => {
    const references = paths.flatMap((path) => valuesAt(resource, path)).map(referenceOf);
    return references.some((reference) => targets.some((target) => refersTo(reference, target, targetType)));
  });
}

/** FHIR token search on an Identifier: `value`, `system|value`, or `system|` (any value in that system). */
function matchesToken(identifier: unknown, token: string): boolean {
  if (typeof identifier !== 'object' || identifier === null) return false;
  const { system, value } = identifier as JsonObject;
  const bar = token.indexOf('|');
  if (bar < 0) return value === token;
  const [wantedSystem, wantedValue] = [token.slice(0, bar), token.slice(bar + 1)];
  return system === wantedSystem && (wantedValue === '' || value === wantedValue);
}

/** Values at a dotted element path, flattening arrays on the way. */
function valuesAt(value: unknown, path: string): unknown[] {
  let current: unknown[] = [value];
  for (const segment of path.split('.')) {
    current = current.flatMap((item) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return [];
      const next = Object.hasOwn(item, segment) ? (item as JsonObject)[segment] : undefined;
      return Array.isArray(next) ? next : next === undefined ? [] : [next];
    });
  }
  return current;
}

function referenceOf(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && typeof (value as JsonObject).reference === 'string') {
    return (value as JsonObject).reference as string;
  }
  return undefined;
}

/** Whether a reference (`Patient/1`, or an absolute URL ending so) matches a search value (`1` or `Patient/1`). */
function refersTo(reference: string | undefined, target: string, targetType: string | undefined): boolean {
  if (!reference) return false;
  const [refType, refId] = reference.split('/').slice(-2);
  if (targetType && refType !== targetType) return false;
  const [wantedType, wantedId] = target.includes('/') ? target.split('/').slice(-2) : [undefined, target];
  return refId === wantedId && (wantedType === undefined || wantedType === refType);
}

function nonNegativeInteger(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!/^\d{1,6}$/.test(value)) throw new OutcomeError(400, 'invalid', `${name} must be a non-negative integer`);
  return Number(value);
}

function pageUrl(base: string, query: URLSearchParams, page: number): string {
  const params = new URLSearchParams(query);
  params.delete('_page');
  if (page > 1) params.set('_page', String(page));
  const text = params.toString();
  return text ? `${base}?${text}` : base;
}
