/**
 * Where a service's organization (OrgBAC) applies. Health Samurai runs OrgBAC on the production (admin) Aidbox only:
 * their FHIR App Portal and Payerbox compose files set `BOX_SECURITY_ORGBAC_ENABLED` on `aidbox-admin` and leave the
 * developer sandbox `aidbox-dev` without it (aidbox-docs
 * `docs/solutions/aidbox-+-fhir-app-portal/getting-started/run-aidbox-+-fhir-portal-locally.md`, payerbox-docs
 * `docs/get-started/quickstart-run-locally.md`). A sandbox without OrgBAC has no organization bases and holds none of
 * production's organizations, so a sandbox client bound to one would reach nothing: the sandbox client is unbound and
 * its constants use the plain `/fhir` base, while production binds the client and uses the organization's base.
 */
import { assertNever, type Environment } from './lifecycle.ts';

/**
 * The organization a service's client is bound to in `environment`: the service's organization in production, none
 * in the sandbox. Both the provisioner (what it writes to Aidbox) and the registration service (the constants it
 * shows) ask this one rule, so they cannot disagree.
 */
export function organizationInEnvironment(environment: Environment, organizationId: string | null): string | null {
  switch (environment) {
    case 'sandbox':
      return null;
    case 'production':
      return organizationId;
    default:
      return assertNever(environment);
  }
}
