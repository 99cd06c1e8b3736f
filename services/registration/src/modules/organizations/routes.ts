import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemError } from '../../errors.ts';
import type { NamedExample } from '../../openapi/examples.ts';
import { jsonResponse } from '../../openapi/json-response.ts';
import { problemResponses } from '../../openapi/problem-responses.ts';
import { Ref } from '../../schemas/primitives.ts';
import { type OrganizationTree, OrganizationTreeSchema } from './schemas.ts';

const tags = ['organizations'];

/** What a deployment without OrgBAC answers: no organizations, and none is asked for. */
const DISABLED: OrganizationTree = { enabled: false, organizations: [], refreshedAt: null };

const TREE_EXAMPLES = {
  tree: {
    summary: 'A health plan with two lines of business',
    value: {
      enabled: true,
      organizations: [
        {
          id: 'acme-health',
          name: 'Acme Health Plan',
          children: [
            { id: 'acme-commercial', name: 'Acme Commercial', children: [] },
            { id: 'acme-medicare', name: 'Acme Medicare Advantage', children: [] },
          ],
        },
      ],
      refreshedAt: '2026-11-04T07:00:00.000Z',
    },
  },
} satisfies Record<string, NamedExample>;

/** The organizations a service may belong to. Registered under /api/v1. */
export const organizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/organizations',
    {
      schema: {
        operationId: 'listOrganizations',
        tags,
        summary:
          'The organizations of the production Aidbox as a tree (OrgBAC); enabled is false, and the list empty, ' +
          'when this deployment does not use organizations',
        description:
          'Read from the production Aidbox and cached; a list older than ORGANIZATIONS_MAX_AGE_SECONDS is answered ' +
          "while it is read again in the background. A service's `organizationId` must be one of these ids.",
        response: {
          200: jsonResponse(Ref(OrganizationTreeSchema), 'The organizations'),
          ...problemResponses('organizations_unavailable'),
        },
      },
      config: {
        examples: {
          responses: {
            200: { ...TREE_EXAMPLES, disabled: { summary: 'A deployment without organizations', value: DISABLED } },
          },
        },
      },
    },
    async () => (app.organizations ? app.organizations.tree() : DISABLED),
  );
};

/** Refreshing the cached organizations. Registered under /api/v1/admin behind requireAdmin. */
export const adminOrganizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/organizations/refresh',
    {
      schema: {
        operationId: 'refreshOrganizations',
        tags,
        summary: 'Read the organizations from the production Aidbox now (e.g. after creating one there)',
        description: 'Replaces the cached list at once; if Aidbox does not answer, the list read before is kept.',
        response: {
          200: jsonResponse(Ref(OrganizationTreeSchema), 'The organizations as just read'),
          ...problemResponses('orgbac_disabled', 'aidbox_unavailable'),
        },
      },
      config: { examples: { responses: { 200: TREE_EXAMPLES } } },
    },
    async () => {
      if (!app.organizations) {
        throw new ProblemError({
          status: 409,
          code: 'orgbac_disabled',
          title: 'Organizations are not used',
          detail:
            'This deployment does not use organizations (ORGBAC_ENABLED is not true): there is nothing to refresh.',
        });
      }
      return app.organizations.refresh();
    },
  );
};
