import { createAidboxClient } from '@payerbox/aidbox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { OrgbacSettings } from '../config.ts';
import { createOrganizationDirectory, type OrganizationDirectory } from '../modules/organizations/service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The organizations of an OrgBAC deployment; undefined when OrgBAC is off. */
    organizations: OrganizationDirectory | undefined;
  }
}

export interface OrganizationsPluginOptions {
  readonly orgbac: OrgbacSettings | undefined;
}

/**
 * Reads organizations from the production Aidbox when OrgBAC is on: only `GET /Organization`, as the read-only client
 * whose policy allows nothing else (this internet-facing service never holds the provisioner's credentials); requests
 * that wait for it are bounded by the short timeout and single retry.
 */
export const organizationsPlugin = fp(
  async (app: FastifyInstance, options: OrganizationsPluginOptions) => {
    const { orgbac } = options;
    if (!orgbac) {
      app.decorate('organizations', undefined);
      return;
    }
    const source = createAidboxClient({
      baseUrl: orgbac.productionAidbox.url,
      clientId: orgbac.productionAidbox.clientId,
      clientSecret: orgbac.productionAidbox.clientSecret,
      timeoutMs: 5_000,
      retries: 1,
    });
    const directory = createOrganizationDirectory({
      db: app.db,
      source,
      maxAgeSeconds: orgbac.organizationsMaxAgeSeconds,
      log: app.log,
    });
    app.decorate('organizations', directory);
    // A background refresh still running must not find the pool closed under it.
    app.addHook('preClose', async () => directory.settle());
  },
  { name: 'organizations', dependencies: ['database'] },
);
