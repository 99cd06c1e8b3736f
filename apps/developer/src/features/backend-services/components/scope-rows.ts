/**
 * The scope builder's rows as plain data, and the rules that keep them honest: the ticks show what the scope grants,
 * a row names its resource, and a resource appears once.
 */
import {
  buildScope,
  grantedPermissions,
  grantsOf,
  type Permission,
  permissionGroup,
  type ScopeVersion,
} from '@payerbox/domain';

export interface ScopeRow {
  readonly key: number;
  readonly resource: string | null;
  readonly permissions: readonly Permission[];
}

export interface ScopeDraft {
  readonly version: ScopeVersion;
  readonly rows: readonly ScopeRow[];
}

let nextKey = 1;
export const emptyRow = (): ScopeRow => ({ key: nextKey++, resource: null, permissions: [] });

/** The builder's rows for stored scopes (an edit starts from what the service has). */
export function draftFromScopes(scopes: readonly string[], version: ScopeVersion): ScopeDraft {
  const grants = grantsOf(scopes, version);
  return {
    version,
    rows: grants.length ? grants.map((g) => ({ key: nextKey++, ...g })) : [emptyRow()],
  };
}

/** The scope strings the rows produce (the live preview, and what is sent). */
export function scopesOf(draft: ScopeDraft): string[] {
  const scopes = draft.rows.flatMap((row) => {
    const scope = row.resource ? buildScope(draft.version, row.resource, row.permissions) : undefined;
    return scope ? [scope] : [];
  });
  return [...new Set(scopes)];
}

/**
 * The ticks after the user changed them from `previous` to `next`: in v1 a tick or an untick takes its whole read or
 * write group along, so the ticks never show less than the scope grants.
 */
export function retick(
  version: ScopeVersion,
  previous: readonly Permission[],
  next: readonly Permission[],
): Permission[] {
  const removed = previous.filter((p) => !next.includes(p)).flatMap((p) => permissionGroup(version, p));
  return grantedPermissions(
    version,
    next.filter((p) => !removed.includes(p)),
  );
}

/** A row whose ticks grew when the version changed, with the operations it gained. */
export interface WidenedRow {
  readonly key: number;
  readonly resource: string;
  readonly added: readonly Permission[];
}

/** The draft in `version`, its ticks widened to what that version's scopes grant, and which rows grew. */
export function switchVersion(draft: ScopeDraft, version: ScopeVersion): { draft: ScopeDraft; widened: WidenedRow[] } {
  const widened: WidenedRow[] = [];
  const rows = draft.rows.map((row) => {
    const permissions = grantedPermissions(version, row.permissions);
    const added = permissions.filter((p) => !row.permissions.includes(p));
    if (added.length > 0 && row.resource) widened.push({ key: row.key, resource: row.resource, added });
    return { ...row, permissions };
  });
  return { draft: { version, rows }, widened };
}

export const resourceLabel = (resource: string): string => (resource === '*' ? 'All resources' : resource);

/**
 * What is wrong with each row, by row key: operations ticked without a resource (they would be silently dropped), or
 * a resource an earlier row already has (refused rather than merged, so no row changes behind the user's back).
 */
export function scopeRowProblems(draft: ScopeDraft): Map<number, string> {
  const problems = new Map<number, string>();
  const firstRow = new Map<string, number>();
  draft.rows.forEach((row, index) => {
    if (!row.resource) {
      if (row.permissions.length > 0) problems.set(row.key, 'Choose a resource for these operations, or untick them.');
      return;
    }
    const earlier = firstRow.get(row.resource);
    if (earlier === undefined) firstRow.set(row.resource, index);
    else
      problems.set(
        row.key,
        `${resourceLabel(row.resource)} is already resource ${earlier + 1}: tick the operations there and remove this row.`,
      );
  });
  return problems;
}
