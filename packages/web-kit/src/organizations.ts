import type { ApiClient } from '@payerbox/api-client';
import { queryOptions } from '@tanstack/react-query';
import { unwrap } from './api-error.ts';

/** An organization of the OrgBAC hierarchy, as `GET /api/v1/organizations` nests them. */
export interface OrganizationNode {
  readonly id: string;
  readonly name: string;
  readonly children: readonly OrganizationNode[];
}

/** One organization in tree order, with its depth and the names above it (for selects and lists). */
export interface OrganizationEntry {
  readonly id: string;
  readonly name: string;
  readonly depth: number;
  /** Root first, ending with this organization's own name. */
  readonly path: readonly string[];
}

/** The organizations of the deployment (and whether it uses them at all). */
export const organizationsQuery = (api: ApiClient) =>
  queryOptions({
    queryKey: ['organizations'] as const,
    queryFn: () => unwrap(api.GET('/api/v1/organizations')),
    staleTime: 60_000,
  });

/** The tree as a list in depth-first order, parents before their children. */
export function flattenOrganizations(
  nodes: readonly OrganizationNode[],
  above: readonly string[] = [],
): OrganizationEntry[] {
  return nodes.flatMap((node) => {
    const path = [...above, node.name];
    return [{ id: node.id, name: node.name, depth: above.length, path }, ...flattenOrganizations(node.children, path)];
  });
}

/** "Acme Health Plan › Acme Health Plan East": an organization with its place in the hierarchy. */
export function organizationPath(organization: { name: string; ancestors: readonly { name: string }[] }): string {
  return [...organization.ancestors.map((a) => a.name), organization.name].join(' › ');
}
