import type { BackendService } from '@payerbox/api-client';

/** While an environment is being provisioned a service's page polls, so its state updates live. */
export const PROVISIONING_POLL_MS = 1_000;

/**
 * Whether the provisioner still has work on one of the service's environments (its state is pending), or is writing
 * a switched production secret (the cutover is applying).
 */
export function isProvisioning(service: BackendService | undefined): boolean {
  const { sandbox, production } = service?.environments ?? {};
  const applying = service?.productionSecret?.cutover?.state === 'applying';
  return sandbox?.state === 'pending' || production?.state === 'pending' || applying;
}

/** A service detail query's `refetchInterval`: poll while it is provisioning, stop once it is not. */
export function pollWhileProvisioning(query: { readonly state: { readonly data: BackendService | undefined } }) {
  return isProvisioning(query.state.data) ? PROVISIONING_POLL_MS : false;
}
