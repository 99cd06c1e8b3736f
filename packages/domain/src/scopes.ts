/**
 * SMART system scopes (SMART App Launch 2.2, "Scopes for requesting FHIR resources").
 *
 * Backend services only get `system/` scopes. v1 permissions are `read`, `write` or `*`; v2 permissions are a
 * non-empty subset of `c r u d s`, in that order. Only the resource position takes `*`.
 */
import { isFhirResourceType } from './fhir-resource-types.ts';

export const SCOPE_VERSIONS = ['v1', 'v2'] as const;
export type ScopeVersion = (typeof SCOPE_VERSIONS)[number];

/** v2 permission letters in their required order. */
export const PERMISSIONS = ['c', 'r', 'u', 'd', 's'] as const;
export type Permission = (typeof PERMISSIONS)[number];

export interface SystemScope {
  /** A FHIR resource type, or `*` for all. */
  readonly resource: string;
  /** v2 permissions the scope grants, in c r u d s order. */
  readonly permissions: readonly Permission[];
}

export interface ScopeProblem {
  /** Position of the scope in the list the caller sent. */
  readonly index: number;
  readonly scope: string;
  readonly message: string;
}

export type ScopeValidation =
  | { readonly ok: true; readonly scopes: string[] }
  | { readonly ok: false; readonly problems: ScopeProblem[] };

const V1_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};

type Parsed = { readonly ok: true; readonly scope: SystemScope } | { readonly ok: false; readonly reason: string };

const fail = (reason: string): Parsed => ({ ok: false, reason });

function parseResource(resource: string): string | undefined {
  if (resource === '*') return undefined;
  if (resource === '') return 'names no resource type';
  if (resource.includes('*')) return 'uses a wildcard inside the resource type; only a whole "*" means all resources';
  if (!/^[A-Za-z]+$/.test(resource)) return `"${resource}" is not a FHIR resource type`;
  if (/^[a-z]/.test(resource)) {
    const capitalised = resource[0]?.toUpperCase() + resource.slice(1);
    const hint = isFhirResourceType(capitalised) ? `; did you mean ${capitalised}?` : '';
    return `resource types start with an upper-case letter${hint}`;
  }
  if (!isFhirResourceType(resource)) return `"${resource}" is not a FHIR R4 resource type`;
  return undefined;
}

function parseV2Permissions(permissions: string): readonly Permission[] | string {
  if (permissions === '') return 'grants no permissions: add letters from c, r, u, d, s';
  if (permissions.includes('*')) {
    return 'uses a wildcard in the permissions; v2 permissions are letters from c, r, u, d, s (only the resource position takes "*")';
  }
  const unknown = [...new Set(permissions.replace(/[cruds]/g, ''))];
  if (unknown.length > 0)
    return `has unknown permission letters ${unknown.join(', ')}; v2 permissions are c, r, u, d, s`;
  const seen = new Set<string>();
  for (const letter of permissions) {
    if (seen.has(letter)) return `repeats the permission letter ${letter}`;
    seen.add(letter);
  }
  const ordered = PERMISSIONS.filter((p) => seen.has(p));
  if (ordered.join('') !== permissions) return `has its permission letters out of order: write ${ordered.join('')}`;
  return ordered;
}

function parseV1Permissions(permissions: string): readonly Permission[] | string {
  const granted = V1_PERMISSIONS[permissions];
  if (granted) return granted;
  if (permissions === '') return 'grants no permissions: end it in .read, .write or .*';
  if (/^[cruds]+$/.test(permissions))
    return 'uses v2 permission letters, but the service uses v1 scopes (.read, .write or .*)';
  return 'ends in an unknown permission; a v1 scope ends in .read, .write or .*';
}

/** Parses one scope of `version`, or says why it is not a valid SMART system scope for a backend service. */
export function parseScope(scope: string, version: ScopeVersion): Parsed {
  if (scope === '') return fail('is empty');
  if (/\s/.test(scope)) return fail('contains whitespace; send each scope as its own list item');
  const context = /^([a-z]+)\//.exec(scope)?.[1];
  if (context === 'patient' || context === 'user') {
    return fail(`is a ${context}/ scope; backend services act without a user or patient, so only system/ scopes apply`);
  }
  if (context !== 'system') return fail('is not a SMART system scope (system/<ResourceType|*>.<permissions>)');
  const body = scope.slice('system/'.length);
  if (body.includes('?')) {
    return fail(
      'has a query restriction (?param=value); Aidbox does not enforce search-parameter restrictions on system scopes, ' +
        'so accepting it would silently grant access to every resource of that type. Remove the restriction',
    );
  }
  const dot = body.lastIndexOf('.');
  if (dot < 0) return fail('has no permissions; add .<permissions> after the resource type');
  const resource = body.slice(0, dot);
  const resourceProblem = parseResource(resource);
  if (resourceProblem) return fail(resourceProblem);
  const permissionText = body.slice(dot + 1);
  let permissions: readonly Permission[] | string;
  switch (version) {
    case 'v1':
      permissions = parseV1Permissions(permissionText);
      break;
    case 'v2':
      permissions = /^(read|write)$/.test(permissionText)
        ? 'uses v1 permissions, but the service uses v2 scopes (letters from c, r, u, d, s)'
        : parseV2Permissions(permissionText);
      break;
    default:
      return version satisfies never;
  }
  if (typeof permissions === 'string') return fail(permissions);
  return { ok: true, scope: { resource, permissions } };
}

/** Checks every scope against the grammar of `version` and returns them normalised (deduplicated, sorted). */
export function validateScopes(scopes: readonly string[], version: ScopeVersion): ScopeValidation {
  const problems: ScopeProblem[] = [];
  scopes.forEach((scope, index) => {
    const parsed = parseScope(scope, version);
    if (!parsed.ok) problems.push({ index, scope, message: `"${scope}" ${parsed.reason}` });
  });
  if (scopes.length === 0) problems.push({ index: 0, scope: '', message: 'at least one scope is required' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, scopes: normaliseScopes(scopes) };
}

/** Deduplicates and sorts scopes so that equal sets are stored equally. */
export function normaliseScopes(scopes: readonly string[]): string[] {
  return [...new Set(scopes)].sort();
}

/** The v2 form of a valid scope (v1 read = rs, write = cud, * = cruds). Throws on an invalid scope. */
export function toV2(scope: string, version: ScopeVersion): string {
  const parsed = parseScope(scope, version);
  if (!parsed.ok) throw new Error(`invalid scope "${scope}": ${parsed.reason}`);
  return `system/${parsed.scope.resource}.${parsed.scope.permissions.join('')}`;
}

/**
 * What a valid list of scopes grants, per resource (`*` for all), merged: the input of the access policy. Throws on
 * an invalid scope (stored scopes were validated when they were saved).
 */
export function grantsOf(scopes: readonly string[], version: ScopeVersion): SystemScope[] {
  const byResource = new Map<string, Set<Permission>>();
  for (const scope of scopes) {
    const parsed = parseScope(scope, version);
    if (!parsed.ok) throw new Error(`invalid scope "${scope}": ${parsed.reason}`);
    const granted = byResource.get(parsed.scope.resource) ?? new Set<Permission>();
    for (const permission of parsed.scope.permissions) granted.add(permission);
    byResource.set(parsed.scope.resource, granted);
  }
  return [...byResource.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([resource, granted]) => ({ resource, permissions: PERMISSIONS.filter((p) => granted.has(p)) }));
}

/** The operations of the portal's scope builder (product doc: Create, Read, Update, Delete, Search) and their letters. */
export const SCOPE_OPERATIONS = [
  { permission: 'c', label: 'Create' },
  { permission: 'r', label: 'Read' },
  { permission: 'u', label: 'Update' },
  { permission: 'd', label: 'Delete' },
  { permission: 's', label: 'Search' },
] as const satisfies readonly { permission: Permission; label: string }[];

/**
 * The scope string granting `permissions` on `resource` (`*` for all resources), or undefined when nothing is granted.
 * v1 cannot tell operations apart: Read or Search asks for `read`, Create, Update or Delete for `write`, both for `*`,
 * so a v1 scope may grant more than was ticked.
 */
export function buildScope(
  version: ScopeVersion,
  resource: string,
  permissions: readonly Permission[],
): string | undefined {
  const granted = new Set(permissions);
  if (granted.size === 0) return undefined;
  if (version === 'v2') return `system/${resource}.${PERMISSIONS.filter((p) => granted.has(p)).join('')}`;
  const reads = granted.has('r') || granted.has('s');
  const writes = granted.has('c') || granted.has('u') || granted.has('d');
  return `system/${resource}.${reads && writes ? '*' : reads ? 'read' : 'write'}`;
}

/**
 * The permissions that come with `permission` in `version`: itself in v2; in v1 its whole group, because a v1 scope
 * only says read (Read and Search) or write (Create, Update and Delete).
 */
export function permissionGroup(version: ScopeVersion, permission: Permission): readonly Permission[] {
  switch (version) {
    case 'v2':
      return [permission];
    case 'v1':
      return (
        (['read', 'write'] as const).map((name) => V1_PERMISSIONS[name] ?? []).find((g) => g.includes(permission)) ?? []
      );
    default:
      return version satisfies never;
  }
}

/** What the scope built from `permissions` (see `buildScope`) really grants, in c r u d s order. */
export function grantedPermissions(version: ScopeVersion, permissions: readonly Permission[]): Permission[] {
  const granted = new Set(permissions.flatMap((permission) => permissionGroup(version, permission)));
  return PERMISSIONS.filter((p) => granted.has(p));
}

/** Why grants deserve a closer look: a wildcard resource type (every resource), or any create, update or delete. */
export const BROAD_ACCESS_REASONS = ['wildcard', 'write'] as const;
export type BroadAccessReason = (typeof BROAD_ACCESS_REASONS)[number];

/** The permissions that change data (the write group of v1). */
export const WRITE_PERMISSIONS: readonly Permission[] = ['c', 'u', 'd'];

/**
 * The reasons `grants` (see `grantsOf`) are broad, empty when they are not: the rule the admin review warns with,
 * and the developer's scope builder warns with before anything is sent.
 */
export function broadAccessOf(grants: readonly SystemScope[]): BroadAccessReason[] {
  const reasons: BroadAccessReason[] = [];
  if (grants.some((grant) => grant.resource === '*')) reasons.push('wildcard');
  if (grants.some((grant) => grant.permissions.some((p) => WRITE_PERMISSIONS.includes(p)))) reasons.push('write');
  return reasons;
}

/** The reasons as words: "every resource type (wildcard) and write or delete access". */
export function describeBroadAccess(reasons: readonly BroadAccessReason[]): string {
  return reasons
    .map((reason) => {
      switch (reason) {
        case 'wildcard':
          return 'every resource type (wildcard)';
        case 'write':
          return 'write or delete access';
        default:
          return reason satisfies never;
      }
    })
    .join(' and ');
}
