/**
 * Which Aidbox a run checks, and with which of the portal's credentials: the portal's own settings (the provisioner's
 * `<ENV>_AIDBOX_URL`, `_CLIENT_ID`, `_CLIENT_SECRET`; the reader's `<ENV>_AIDBOX_READER_CLIENT_ID`, `_SECRET`), or,
 * when they are not set, the `aidbox` section of the development credentials file `pnpm start` writes.
 */
import { readFile } from 'node:fs/promises';
import type { Environment } from '@payerbox/domain';

// The portal's environments are the domain's: a check covers exactly those the provisioner serves.
export { ENVIRONMENTS, type Environment } from '@payerbox/domain';

export interface Credential {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface CheckTarget {
  readonly environment: Environment;
  /** Where this machine reaches Aidbox. */
  readonly url: string;
  /** The portal's provisioning client there (`portal-provisioner`). */
  readonly provisioner: Credential;
  /** The portal's read-only client there (`portal-reader`), when known. */
  readonly reader: Credential | undefined;
  /** Where the settings came from, for the report. */
  readonly source: 'environment' | 'development credentials file';
  /** Whether the deployment uses organizations (OrgBAC) in this environment: production with ORGBAC_ENABLED=true. */
  readonly orgbac: boolean;
  /** The organization the OrgBAC checks bind a client to; the first one the reader lists when not given. */
  readonly organizationId: string | undefined;
}

export class TargetError extends Error {
  override name = 'TargetError';
}

type Env = Readonly<Record<string, string | undefined>>;

interface DevAidbox {
  readonly url?: string;
  readonly provisioner?: Partial<Credential>;
  readonly reader?: Partial<Credential>;
}

function credential(id: string | undefined, secret: string | undefined): Credential | undefined {
  return id && secret ? { clientId: id, clientSecret: secret } : undefined;
}

/**
 * The target of `environment`. Environment variables win; without them the development credentials file is read
 * (`credentialsFile`), and without either the error names what to set.
 */
export async function loadTarget(
  environment: Environment,
  env: Env,
  options: { credentialsFile: string; organizationId?: string | undefined },
): Promise<CheckTarget> {
  const prefix = environment.toUpperCase();
  const value = (name: string) => env[`${prefix}_AIDBOX_${name}`]?.trim() || undefined;
  const orgbac = environment === 'production' && env.ORGBAC_ENABLED === 'true';
  const organizationId = options.organizationId ?? (env.AIDBOX_CHECK_ORGANIZATION?.trim() || undefined);
  const url = value('URL');
  const provisioner = credential(value('CLIENT_ID'), value('CLIENT_SECRET'));
  if (url && provisioner) {
    const reader = credential(value('READER_CLIENT_ID'), value('READER_CLIENT_SECRET'));
    return { environment, url, provisioner, reader, source: 'environment', orgbac, organizationId };
  }
  let file: { aidbox?: Partial<Record<Environment, DevAidbox>> };
  try {
    file = JSON.parse(await readFile(options.credentialsFile, 'utf8')) as typeof file;
  } catch {
    throw new TargetError(
      `set ${prefix}_AIDBOX_URL, ${prefix}_AIDBOX_CLIENT_ID and ${prefix}_AIDBOX_CLIENT_SECRET (the provisioner's ` +
        `settings) and ${prefix}_AIDBOX_READER_CLIENT_ID / _SECRET, or run \`pnpm start\`, whose ` +
        `${options.credentialsFile} holds them for the emulators`,
    );
  }
  const dev = file.aidbox?.[environment];
  const devProvisioner = credential(dev?.provisioner?.clientId, dev?.provisioner?.clientSecret);
  if (!dev?.url || !devProvisioner) {
    throw new TargetError(`${options.credentialsFile} has no aidbox.${environment} url and provisioner credentials`);
  }
  return {
    environment,
    url: dev.url,
    provisioner: devProvisioner,
    reader: credential(dev.reader?.clientId, dev.reader?.clientSecret),
    source: 'development credentials file',
    orgbac,
    organizationId,
  };
}
