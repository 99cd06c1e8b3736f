import {
  type AidboxApi,
  accessPolicyId,
  accessPolicyMatches,
  accessPolicyResource,
  clientMatches,
  clientResource,
  type ServiceSpec,
} from '@payerbox/aidbox';
import type { Database, ProvisioningState } from '@payerbox/db';
import {
  assertNever,
  type Environment,
  environmentTarget,
  organizationInEnvironment,
  secretSealingContext,
} from '@payerbox/domain';
import { type ClaimedJob, DRIFT_CHECK } from '@payerbox/provisioning-outbox';
import { type Keyring, open } from '@payerbox/secret-box';
import type { Kysely } from 'kysely';
import { recordCutoverApplied } from './secret-cutovers.ts';

export interface ReconcileDeps {
  readonly db: Kysely<Database>;
  readonly aidbox: Readonly<Record<Environment, AidboxApi>>;
  readonly keyring: Keyring;
}

export interface ReconcileOutcome {
  readonly state: ProvisioningState;
  /** Resources written (0 when Aidbox already matched). */
  readonly writes: number;
}

/** A problem no retry can fix (the service's data is unusable); the job fails at once. */
export class PermanentError extends Error {
  override name = 'PermanentError';
}

async function loadService(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('backendServices')
    .select([
      'id',
      'clientId',
      'status',
      'deletedAt',
      'authMethod',
      'jwksUri',
      'productionJwksUri',
      'scopeVersion',
      'scopes',
      'organizationId',
      'clientSecretCiphertext',
      'clientSecretKeyId',
      'productionSecretCiphertext',
      'productionSecretKeyId',
      'productionSecretIssuedAt',
      'productionSecretShared',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

type ServiceRow = NonNullable<Awaited<ReturnType<typeof loadService>>>;

/** The proposed configuration of the service's pending change request, with the sandbox secret it issued, if any. */
async function loadPendingChange(db: Kysely<Database>, serviceId: string) {
  return db
    .selectFrom('changeRequests')
    .select([
      'authMethod',
      'jwksUri',
      'scopeVersion',
      'scopes',
      'organizationId',
      'clientSecretCiphertext',
      'clientSecretKeyId',
    ])
    .where('serviceId', '=', serviceId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/**
 * What an environment runs (design21, "Sandbox while pending"): production always the service row, the approved
 * configuration; the sandbox of an active service with a pending change request the proposed one, so that the
 * developer can try it before approval. A proposal that keeps client_secret keeps the service's secret; one that
 * switches to it brings its own sandbox secret (sealed to the service id like the service's).
 */
async function configurationIn(
  db: Kysely<Database>,
  environment: Environment,
  service: ServiceRow,
): Promise<ServiceRow> {
  if (environment !== 'sandbox' || service.status !== 'active' || service.deletedAt !== null) return service;
  const pending = await loadPendingChange(db, service.id);
  if (!pending) return service;
  const { clientSecretCiphertext, clientSecretKeyId, ...proposed } = pending;
  const secret =
    clientSecretCiphertext && clientSecretKeyId
      ? { clientSecretCiphertext, clientSecretKeyId }
      : { clientSecretCiphertext: service.clientSecretCiphertext, clientSecretKeyId: service.clientSecretKeyId };
  return { ...service, ...proposed, ...secret };
}

/**
 * The environment's own secret: the sandbox secret in the sandbox, the production secret in production, so that the
 * sandbox secret never authenticates in production (issue 21, "Credentials per environment").
 */
function secretOf(service: ServiceRow, environment: Environment, keyring: Keyring): string | undefined {
  if (service.authMethod !== 'client_secret') return undefined;
  const sealed =
    environment === 'sandbox'
      ? { ciphertext: service.clientSecretCiphertext, keyId: service.clientSecretKeyId, shared: false }
      : {
          ciphertext: service.productionSecretCiphertext,
          keyId: service.productionSecretKeyId,
          shared: service.productionSecretShared,
        };
  if (!sealed.ciphertext || !sealed.keyId) {
    throw new PermanentError(`the service has no ${environment} client secret; rotate it to issue one`);
  }
  const context = secretSealingContext(environment, service.id, sealed.shared);
  return open(keyring, { keyId: sealed.keyId, ciphertext: sealed.ciphertext }, context);
}

/** The key set URL the environment's Client names: production's own when it has one. */
function jwksUriIn(service: ServiceRow, environment: Environment): string | null {
  return environment === 'production' ? (service.productionJwksUri ?? service.jwksUri) : service.jwksUri;
}

/**
 * Makes one environment's Aidbox match what the database says now (level-triggered: the job only names the service
 * and environment, so several changes in a row converge in one run). Every write is an idempotent PUT or DELETE.
 *
 * A change always rewrites the Client: Aidbox keeps secrets hashed, so a rotated secret cannot be compared. A drift
 * check writes only what differs from the desired resources (comparing everything but the secret).
 */
export async function reconcile(deps: ReconcileDeps, job: ClaimedJob): Promise<ReconcileOutcome> {
  const stored = await loadService(deps.db, job.serviceId);
  if (!stored) throw new PermanentError('the service does not exist');
  const service = await configurationIn(deps.db, job.environment, stored);
  const aidbox = deps.aidbox[job.environment];
  // The sandbox runs without OrgBAC: its client is never bound to the (production) organization.
  const spec: ServiceSpec = {
    ...service,
    jwksUri: jwksUriIn(service, job.environment),
    organizationId: organizationInEnvironment(job.environment, service.organizationId),
  };
  const policyId = accessPolicyId(service.clientId);
  const target = environmentTarget(job.environment, service.status, service.deletedAt !== null);
  const verifyFirst = job.reason === DRIFT_CHECK;
  let writes = 0;

  switch (target) {
    case 'active': {
      const secret = secretOf(service, job.environment, deps.keyring);
      const client = clientResource(spec, secret === undefined ? { active: true } : { active: true, secret });
      if (!verifyFirst || !clientMatches(client, await aidbox.getClient(service.clientId))) {
        await aidbox.putClient(client);
        writes++;
        // Production's Client now has the production secret read above: a cutover switched to it is applied.
        if (job.environment === 'production' && secret !== undefined && service.productionSecretIssuedAt) {
          await recordCutoverApplied(deps.db, service.id, service.productionSecretIssuedAt);
        }
      }
      const policy = accessPolicyResource(spec);
      if (!verifyFirst || !accessPolicyMatches(policy, await aidbox.getAccessPolicy(policyId))) {
        await aidbox.putAccessPolicy(policy);
        writes++;
      }
      return { state: 'ready', writes };
    }
    case 'disabled': {
      // The policy goes first: without it the client reaches nothing even before it is switched off.
      if (!verifyFirst || (await aidbox.getAccessPolicy(policyId))) {
        await aidbox.deleteAccessPolicy(policyId);
        writes++;
      }
      const client = clientResource(spec, { active: false });
      if (!verifyFirst || !clientMatches(client, await aidbox.getClient(service.clientId))) {
        await aidbox.putClient(client);
        writes++;
      }
      return { state: 'disabled', writes };
    }
    case 'absent': {
      await aidbox.deleteAccessPolicy(policyId);
      await aidbox.deleteClient(service.clientId);
      return { state: 'removed', writes: 2 };
    }
    default:
      return assertNever(target);
  }
}
