/**
 * Credentials per environment (issue 21): a client-secret service has a sandbox secret from creation and a production
 * secret of its own from approval, so a secret that passed through laptops and CI logs never reaches production data.
 *
 * Aidbox keeps one `secret` per Client (aidbox-docs `docs/reference/system-resources-reference/core-module-resources.md`
 * § Client; `docs/tutorials/security-access-control-tutorials/client-credentials-grant.md`), so a production secret
 * cannot have a successor that works beside it. The outage-free rotation is a cutover instead: the new secret is
 * issued (and shown once) and kept pending while the old one keeps working; the owner confirms the switch, or a
 * deadline passes; the provisioner then writes the new secret into production's Client. An access token already taken
 * with the old secret lives on for its lifetime (`auth.client_credentials.access_token_expiration`, 300 s for portal
 * clients), which carries a client that took one just before confirming across the switch (README, "Credentials per
 * environment").
 */
import { assertNever, type Environment } from './lifecycle.ts';

/** pending: issued, the old secret still in production; applying: switch confirmed; applied: production has it. */
export const SECRET_CUTOVER_STATES = ['pending', 'applying', 'applied'] as const;
export type SecretCutoverState = (typeof SECRET_CUTOVER_STATES)[number];

/** Who switched production to the new secret: the owner, the deadline, or the owner's emergency rotation at once. */
export const SECRET_SWITCHED_BY = ['owner', 'deadline', 'emergency'] as const;
export type SecretSwitchedBy = (typeof SECRET_SWITCHED_BY)[number];

/**
 * The audit events the provisioner records, with no actor: a cutover's deadline passed (it switched production to the
 * new secret), and production's Client has the new secret.
 */
export const SECRET_CUTOVER_EVENTS = ['secret_cutover_due', 'secret_cutover_applied'] as const;
export type SecretCutoverEvent = (typeof SECRET_CUTOVER_EVENTS)[number];

/** Where a cutover is, from its timestamps (a switch not yet confirmed is pending). */
export function secretCutoverState(cutover: {
  readonly switchedAt: Date | null;
  readonly appliedAt: Date | null;
}): SecretCutoverState {
  if (cutover.switchedAt === null) return 'pending';
  return cutover.appliedAt === null ? 'applying' : 'applied';
}

/**
 * The context a secret is sealed to (secret-box's authenticated data): the service id for the sandbox secret, as it
 * always was, and `production:<id>` for the production secret, so that a sandbox ciphertext copied into the production
 * columns does not open. `sharedWithSandbox` is a production secret that migration 0014 copied from the sandbox
 * secret of a service active before it (sealed to the service id: a migration cannot re-seal).
 */
export function secretSealingContext(environment: Environment, serviceId: string, sharedWithSandbox = false): string {
  switch (environment) {
    case 'sandbox':
      return serviceId;
    case 'production':
      return sharedWithSandbox ? serviceId : `production:${serviceId}`;
    default:
      return assertNever(environment);
  }
}
