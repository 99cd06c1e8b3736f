/**
 * The provisioner's Aidbox settings (`SANDBOX_AIDBOX_*`, `PRODUCTION_AIDBOX_*`) that point it at a pair of emulators
 * and the provisioning client they accept, for starting a provisioner process against them.
 */
export function provisionerAidboxEnv(
  emulators: { readonly sandbox: { readonly url: string }; readonly production: { readonly url: string } },
  client: { readonly id: string; readonly secret: string },
): Record<string, string> {
  return {
    SANDBOX_AIDBOX_URL: emulators.sandbox.url,
    SANDBOX_AIDBOX_CLIENT_ID: client.id,
    SANDBOX_AIDBOX_CLIENT_SECRET: client.secret,
    PRODUCTION_AIDBOX_URL: emulators.production.url,
    PRODUCTION_AIDBOX_CLIENT_ID: client.id,
    PRODUCTION_AIDBOX_CLIENT_SECRET: client.secret,
  };
}
