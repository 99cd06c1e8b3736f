import { type Static, Type } from 'typebox';
import { DateTime, Nullable, Ref } from '../../schemas/primitives.ts';
import type { OrganizationNode } from './hierarchy.ts';

// A recursive schema: `children` refers back to this schema by its $id, which OpenAPI and the generated client keep
// as a self-referencing component.
export const OrganizationNodeSchema = Type.Unsafe<OrganizationNode>(
  Type.Object(
    {
      id: Type.String({ description: 'The Organization id in the production Aidbox' }),
      name: Type.String({ description: 'Organization.name (the id when Aidbox has no name)' }),
      children: Type.Array(Type.Ref('OrganizationNode'), {
        description: 'The organizations whose partOf names this one, sorted by name',
      }),
    },
    { $id: 'OrganizationNode', description: 'An organization with its child organizations (Organization.partOf)' },
  ),
);

export const OrganizationTreeSchema = Type.Object(
  {
    enabled: Type.Boolean({
      description: 'Whether this deployment uses organizations (OrgBAC); when false the list is empty',
    }),
    organizations: Type.Array(Ref(OrganizationNodeSchema), {
      description: 'Top-level organizations, each with its subtree, sorted by name at every level',
    }),
    refreshedAt: Nullable(DateTime),
  },
  { $id: 'OrganizationTree', description: 'The organizations of the production Aidbox, as the portal last read them' },
);
export type OrganizationTree = Static<typeof OrganizationTreeSchema>;

export const OrganizationSummarySchema = Type.Object(
  { id: Type.String(), name: Type.String() },
  { $id: 'OrganizationSummary' },
);

export const ServiceOrganizationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    ancestors: Type.Array(Ref(OrganizationSummarySchema), {
      description: 'The organizations above it, the top-level one first',
    }),
  },
  {
    $id: 'ServiceOrganization',
    description: 'The organization a service belongs to, with its place in the hierarchy',
  },
);
export type ServiceOrganization = Static<typeof ServiceOrganizationSchema>;

export const ORGANIZATION_SCHEMAS = [
  OrganizationNodeSchema,
  OrganizationTreeSchema,
  OrganizationSummarySchema,
  ServiceOrganizationSchema,
];
