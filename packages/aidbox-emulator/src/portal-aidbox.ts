/**
 * The portal's own clients in each Aidbox, as the init bundle templates of `infra/aidbox/` create them (the files
 * `docker-compose.yml` gives a real Aidbox): `portal-provisioner`, which may write only the portal's Clients and their
 * AccessPolicies, and `portal-reader`, which may only read Organizations. An emulator started with
 * {@link portalInitBundle} has exactly these, so local runs and tests provision through the least-privilege client.
 *
 * Light on purpose (no server code): the start command imports it without loading the emulator itself.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { InitBundleOptions } from './options.ts';

export { SAMPLE_GROUP_IDS } from './sample-groups.ts';

export type PortalEnvironment = 'sandbox' | 'production';

/** The Client ids the templates create. */
export const PORTAL_CLIENT_IDS = { provisioner: 'portal-provisioner', reader: 'portal-reader' } as const;

/**
 * The templates' placeholders for the clients' secrets, named as the Aidbox containers' environment names them
 * (docker-compose.yml passes exactly these to `envsubst`).
 */
export const PORTAL_SECRET_VARIABLES = {
  provisioner: 'PORTAL_PROVISIONER_SECRET',
  reader: 'PORTAL_READER_SECRET',
} as const;

/** The template of each environment's init bundle. */
export const PORTAL_INIT_BUNDLE_FILES: Readonly<Record<PortalEnvironment, string>> = {
  sandbox: fileURLToPath(new URL('../../../infra/aidbox/init-bundle.sandbox.json.tpl', import.meta.url)),
  production: fileURLToPath(new URL('../../../infra/aidbox/init-bundle.production.json.tpl', import.meta.url)),
};

export interface AidboxCredential {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The portal's credentials in one Aidbox. */
export interface PortalAidboxCredentials {
  readonly provisioner: AidboxCredential;
  readonly reader: AidboxCredential;
}

/** One Aidbox and the portal's credentials there: the shape of `.data/dev-credentials.json`'s `aidbox` entries. */
export interface PortalAidbox extends PortalAidboxCredentials {
  readonly url: string;
}

/** One environment's init bundle with fresh random secrets for the portal's clients, and those credentials. */
export function portalInitBundle(environment: PortalEnvironment): {
  readonly initBundle: InitBundleOptions & { readonly variables: Readonly<Record<string, string>> };
  readonly credentials: PortalAidboxCredentials;
} {
  // base64url: nothing the templates' JSON strings would have to escape.
  const secret = () => randomBytes(24).toString('base64url');
  const credentials = {
    provisioner: { clientId: PORTAL_CLIENT_IDS.provisioner, clientSecret: secret() },
    reader: { clientId: PORTAL_CLIENT_IDS.reader, clientSecret: secret() },
  };
  return {
    initBundle: {
      path: PORTAL_INIT_BUNDLE_FILES[environment],
      variables: {
        [PORTAL_SECRET_VARIABLES.provisioner]: credentials.provisioner.clientSecret,
        [PORTAL_SECRET_VARIABLES.reader]: credentials.reader.clientSecret,
      },
    },
    credentials,
  };
}

/** The provisioner's Aidbox settings (`SANDBOX_AIDBOX_*`, `PRODUCTION_AIDBOX_*`): the provisioning client of each. */
export function provisionerAidboxEnv(
  aidboxes: Readonly<Record<PortalEnvironment, PortalAidbox>>,
): Record<string, string> {
  return {
    SANDBOX_AIDBOX_URL: aidboxes.sandbox.url,
    SANDBOX_AIDBOX_CLIENT_ID: aidboxes.sandbox.provisioner.clientId,
    SANDBOX_AIDBOX_CLIENT_SECRET: aidboxes.sandbox.provisioner.clientSecret,
    PRODUCTION_AIDBOX_URL: aidboxes.production.url,
    PRODUCTION_AIDBOX_CLIENT_ID: aidboxes.production.provisioner.clientId,
    PRODUCTION_AIDBOX_CLIENT_SECRET: aidboxes.production.provisioner.clientSecret,
  };
}

/** The registration service's settings for reading organizations (OrgBAC): production's read-only client. */
export function organizationReaderEnv(production: PortalAidbox): Record<string, string> {
  return {
    PRODUCTION_AIDBOX_URL: production.url,
    PRODUCTION_AIDBOX_READER_CLIENT_ID: production.reader.clientId,
    PRODUCTION_AIDBOX_READER_CLIENT_SECRET: production.reader.clientSecret,
  };
}
