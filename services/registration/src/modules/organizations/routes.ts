import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ProblemError } from '../../errors.ts';
import { describedProblem, problemResponses } from '../../schemas/common.ts';
import { Ref } from '../../schemas/primitives.ts';
import { type OrganizationTree, OrganizationTreeSchema } from './schemas.ts';

const tags = ['organizations'];

/** What a deployment without OrgBAC answers: no organizations, and none is asked for. */
const DISABLED: OrganizationTree = { enabled: false, organizations: [], refreshedAt: null };

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
        response: {
          200: Ref(OrganizationTreeSchema),
          ...problemResponses(401, 429),
          ...describedProblem(
            503,
            'The list has never been read and Aidbox does not answer (organizations_unavailable)',
          ),
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
        response: {
          200: Ref(OrganizationTreeSchema),
          ...problemResponses(401, 403, 429),
          ...describedProblem(409, 'This deployment does not use organizations (orgbac_disabled)'),
          ...describedProblem(502, 'Aidbox did not answer; the list read before is kept (aidbox_unavailable)'),
        },
      },
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
