import type { Database } from '@payerbox/db';
import type { JwksCheckContext } from '@payerbox/key-set-check';
import type { Keyring } from '@payerbox/secret-box';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { OrganizationDirectory } from '../organizations/service.ts';
import type { EnvironmentSettings } from './representation.ts';

/** What the backend-service operations need from the app. */
export interface ServiceContext extends JwksCheckContext {
  readonly db: Kysely<Database>;
  readonly keyring: Keyring;
  /** How long a production secret cutover waits for its switch (SECRET_CUTOVER_DEADLINE_SECONDS). */
  readonly secretCutoverDeadlineSeconds: number;
  readonly environmentSettings: EnvironmentSettings;
  /** The deployment's organizations; undefined when it does not use them (OrgBAC off). */
  readonly organizations: OrganizationDirectory | undefined;
  /** Wakes the provisioner; called after a transaction that queued provisioning committed. */
  readonly wakeProvisioner: () => void;
}

/** The context from the app's decorations. */
export function serviceContext(app: FastifyInstance): ServiceContext {
  return {
    db: app.db,
    keyring: app.config.secretKeyring,
    secretCutoverDeadlineSeconds: app.config.secretCutoverDeadlineSeconds,
    safeFetch: app.safeFetch,
    advertisedAlgorithms: () => app.aidboxEnvironments.advertisedAlgorithms(),
    environmentSettings: {
      aidboxPublicUrls: app.config.aidboxPublicUrls,
      sandboxSampleGroupIds: app.config.sandboxSampleGroupIds,
    },
    organizations: app.organizations,
    wakeProvisioner: app.wakeProvisioner,
  };
}

/** The part of the context that reading needs. */
export type ViewContext = Pick<ServiceContext, 'db' | 'environmentSettings'>;

/** The part of the context that lifecycle changes need. */
export type ChangeContext = Pick<ServiceContext, 'db' | 'environmentSettings' | 'wakeProvisioner'>;
