/**
 * The organization hierarchy as Aidbox describes it (Organization.partOf), made into a clean forest. Aidbox does not
 * stop a partOf from naming an organization that does not exist (or that the search did not return) or from forming a
 * loop; neither may break the portal, so both are repaired here, deterministically, without I/O.
 */

/** An organization as read from Aidbox, reduced to what the portal keeps. */
export interface OrganizationInput {
  readonly id: string;
  readonly name?: string | undefined;
  /** The id of the organization its partOf names, if any. */
  readonly parentId?: string | undefined;
}

/** An organization as the portal stores it: the parent is a listed organization or nothing. */
export interface OrganizationEntry {
  readonly id: string;
  readonly name: string;
  readonly parentId: string | null;
}

export interface OrganizationNode {
  id: string;
  name: string;
  children: OrganizationNode[];
}

/**
 * Cleans a list of organizations: the first of repeated ids wins; a missing or blank name becomes the id; a parent
 * that is not in the list makes the organization top level; each loop of partOf references is broken by making its
 * member with the smallest id top level (the same answer whatever order Aidbox listed them in). Sorted by id.
 */
export function normaliseHierarchy(organizations: readonly OrganizationInput[]): OrganizationEntry[] {
  const byId = new Map<string, { id: string; name: string; parentId: string | null }>();
  for (const organization of organizations) {
    if (byId.has(organization.id)) continue;
    const name = organization.name?.trim() ? organization.name.trim() : organization.id;
    byId.set(organization.id, { id: organization.id, name, parentId: organization.parentId ?? null });
  }
  for (const entry of byId.values()) {
    if (entry.parentId !== null && !byId.has(entry.parentId)) entry.parentId = null;
  }
  const ids = [...byId.keys()].sort(compareText);
  // Depth-first along parent links: reaching an organization still on the current walk closes a loop.
  const state = new Map<string, 'walking' | 'done'>();
  for (const start of ids) {
    const walk: string[] = [];
    let current: string | null = start;
    while (current !== null && !state.has(current)) {
      state.set(current, 'walking');
      walk.push(current);
      current = byId.get(current)?.parentId ?? null;
    }
    if (current !== null && state.get(current) === 'walking') {
      const loop = walk.slice(walk.indexOf(current));
      const root = loop.reduce((smallest, id) => (compareText(id, smallest) < 0 ? id : smallest));
      const entry = byId.get(root);
      if (entry) entry.parentId = null;
    }
    for (const id of walk) state.set(id, 'done');
  }
  return ids.map((id) => byId.get(id) as OrganizationEntry);
}

/** The forest of a clean list: top-level organizations with their subtrees, sorted by name (then id) everywhere. */
export function organizationTree(entries: readonly OrganizationEntry[]): OrganizationNode[] {
  const nodes = new Map<string, OrganizationNode>();
  for (const entry of entries) nodes.set(entry.id, { id: entry.id, name: entry.name, children: [] });
  const roots: OrganizationNode[] = [];
  for (const entry of entries) {
    const node = nodes.get(entry.id) as OrganizationNode;
    const parent = entry.parentId === null ? undefined : nodes.get(entry.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: OrganizationNode[]) => {
    list.sort(byName);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** The organizations above `id`, the top-level one first; empty for a top-level or unknown organization. */
export function ancestorsOf(entries: readonly OrganizationEntry[], id: string): { id: string; name: string }[] {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const ancestors: { id: string; name: string }[] = [];
  const seen = new Set<string>([id]);
  let parentId = byId.get(id)?.parentId ?? null;
  // The seen set only guards against a list that was not normalised.
  while (parentId !== null && !seen.has(parentId)) {
    const parent = byId.get(parentId);
    if (!parent) break;
    seen.add(parentId);
    ancestors.unshift({ id: parent.id, name: parent.name });
    parentId = parent.parentId;
  }
  return ancestors;
}

/** Plain code-unit order: the same on every machine, unlike locale collation. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: OrganizationNode, b: OrganizationNode): number {
  return (
    a.name.localeCompare(b.name, 'en', { sensitivity: 'base' }) ||
    compareText(a.name, b.name) ||
    compareText(a.id, b.id)
  );
}
