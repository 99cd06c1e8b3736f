import { randomBytes } from 'node:crypto';
import type { Database, ServiceStatusColumn } from '@payerbox/db';
import { type Actor, type ConfigurationChanges, configurationChanges, eventStatuses } from '@payerbox/domain';
import type { Keyring } from '@payerbox/secret-box';
import type { FastifyInstance } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { ProblemError, problems } from '../../errors.ts';
import {
  formatTimestampKey,
  type PageRequest,
  readPage,
  readTimestampPage,
  toPage,
  UUID_KEY,
} from '../../pagination.ts';
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from '../idempotency/repository.ts';
import { type JwksCheckContext, requirePassingJwks } from '../jwks-checks/service.ts';
import type { OrganizationDirectory } from '../organizations/service.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import { currentClientSecret, generateClientSecret, NO_SECRET_COLUMNS, sealedSecretColumns } from './client-secret.ts';
import { checkConfiguration, editedConfiguration, organizationFieldErrors } from './configuration.ts';
import { type IfMatch, ifMatchAccepts } from './if-match.ts';
import { findService, listReviewQueue, listServices, provisionedEnvironments } from './repository-reads.ts';
import { insertServiceRecordingChange, lockService, recordChange, type ServiceChanges } from './repository-writes.ts';
import { type EnvironmentSettings, toView } from './representation.ts';
import type { BackendService, CreateBackendService, UpdateBackendService } from './schemas.ts';
import { inQueueingTransaction, lifecycleChange, mustFind, runTransition, UNCHANGED } from './transitions.ts';

/** What the backend-service operations need from the app. */
export interface ServiceContext extends JwksCheckContext {
  readonly db: Kysely<Database>;
  readonly keyring: Keyring;
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

/** A representation that may carry a secret issued by this very request (shown once). */
export type ServiceWithSecret = BackendService & { clientSecret?: string };

/** client_id: 128 random bits in hex behind a prefix; valid as an OAuth client_id and as a FHIR resource id. */
function newClientId(): string {
  return `bs-${randomBytes(16).toString('hex')}`;
}

export interface CreateResult {
  readonly service: ServiceWithSecret;
  /** True when an Idempotency-Key matched an earlier request and its response is returned again. */
  readonly replayed: boolean;
}

const idempotencyKeyReused = () =>
  new ProblemError({
    status: 422,
    code: 'idempotency_key_reused',
    title: 'Idempotency-Key reused',
    detail: 'This Idempotency-Key was used with a different request body; use a new key for a new request.',
  });

export async function createService(
  ctx: ServiceContext,
  owner: AuthenticatedUser,
  input: CreateBackendService,
  idempotencyKey: string | undefined,
): Promise<CreateResult> {
  const scopes = checkConfiguration(
    {
      authMethod: input.authMethod,
      jwksUri: input.jwksUri ?? null,
      scopeVersion: input.scopeVersion,
      scopes: input.scopes,
    },
    organizationFieldErrors(ctx.organizations !== undefined, input.organizationId, 'create'),
  );
  // The key set and the organization are checked before the transaction opens: no row lock or connection waits on
  // a remote server.
  if (input.authMethod === 'jwks_uri' && input.jwksUri) await requirePassingJwks(ctx, input.jwksUri);
  const organization =
    ctx.organizations && input.organizationId ? await ctx.organizations.require(input.organizationId) : null;
  const id = uuidv7();
  const secret = input.authMethod === 'client_secret' ? generateClientSecret() : undefined;
  const insert = async (db: Kysely<Database> | Transaction<Database>): Promise<BackendService> => {
    const { inserted, environments } = await insertServiceRecordingChange(
      db,
      {
        id,
        clientId: newClientId(),
        ownerId: owner.id,
        name: input.name.trim(),
        description: input.description || null,
        authMethod: input.authMethod,
        jwksUri: input.jwksUri ?? null,
        scopeVersion: input.scopeVersion,
        scopes,
        organizationId: input.organizationId ?? null,
        status: 'draft',
        ...(secret && sealedSecretColumns(ctx.keyring, id, secret)),
      },
      lifecycleChange({ action: 'create', actorId: owner.id, from: null, to: 'draft', detail: {} }),
    );
    // Built from what the statement returned: no second read of the row just written.
    const owned = { id: owner.id, email: owner.email, name: owner.name };
    return toView({ ...inserted, owner: owned, environments, organization }, 'owner', ctx.environmentSettings);
  };
  // Without an Idempotency-Key the single statement is atomic by itself: no transaction, no extra round trips.
  const result: { service: BackendService; replayed: boolean; secret: string | undefined } = idempotencyKey
    ? await ctx.db.transaction().execute(async (trx) => {
        const scope = { userId: owner.id, operation: 'createBackendService', key: idempotencyKey };
        const claim = await claimIdempotencyKey(trx, scope, requestHash(input));
        if (claim.kind === 'replay')
          return { service: claim.body as BackendService, replayed: true, secret: undefined };
        if (claim.kind === 'mismatch') throw idempotencyKeyReused();
        const service = await insert(trx);
        // The stored response never holds the secret; a replay reads it back from its sealed copy.
        await storeIdempotentResponse(trx, scope, 201, service);
        return { service, replayed: false, secret };
      })
    : { service: await insert(ctx.db), replayed: false, secret };
  // Committed: the sandbox job is there for the worker to claim (a replay queued nothing new).
  if (!result.replayed) ctx.wakeProvisioner();
  const shown = result.replayed ? await currentClientSecret(ctx.db, ctx.keyring, result.service.id) : result.secret;
  return { service: shown ? { ...result.service, clientSecret: shown } : result.service, replayed: result.replayed };
}

/**
 * Edits a draft. Switching to client_secret issues a secret (returned once); switching to jwks_uri erases it. A new
 * JWKS URI is checked before anything is written. The event records only the fields whose stored value changed; an
 * edit that changes none (every sent field equals the stored value) writes nothing and answers the service as it is.
 */
export async function editService(
  ctx: ServiceContext,
  user: AuthenticatedUser,
  id: string,
  ifMatch: IfMatch,
  input: UpdateBackendService,
): Promise<ServiceWithSecret> {
  if (typeof input.jwksUri === 'string' && input.authMethod !== 'client_secret') {
    await requirePassingJwks(ctx, input.jwksUri);
  }
  const organizationErrors = organizationFieldErrors(ctx.organizations !== undefined, input.organizationId, 'edit');
  // A new organization must exist (read from Aidbox again if the cache does not know it); like the key set, before
  // the transaction. A draft may move to another organization; a service past draft cannot be edited at all.
  if (ctx.organizations && typeof input.organizationId === 'string' && organizationErrors.length === 0) {
    await ctx.organizations.require(input.organizationId);
  }
  let issued: string | undefined;
  let edit: ConfigurationChanges | undefined;
  const view = await runTransition(ctx, {
    id,
    action: 'edit',
    actor: 'owner',
    user,
    precondition: (locked) => {
      if (!ifMatchAccepts(ifMatch, locked.version)) throw problems.versionMismatch(locked.version);
    },
    // Compared under the row lock: what is recorded as changed is what this very update changes.
    changes: (locked) => {
      const next = editedConfiguration(locked, input, organizationErrors);
      edit = configurationChanges(locked, next);
      if (edit.changed.length === 0) return UNCHANGED;
      const changes: ServiceChanges = { ...next };
      if (edit.secret === 'issued') {
        issued = generateClientSecret();
        Object.assign(changes, sealedSecretColumns(ctx.keyring, locked.id, issued));
      }
      if (edit.secret === 'removed') Object.assign(changes, NO_SECRET_COLUMNS);
      return changes;
    },
    detail: () => ({ ...edit }),
  });
  if (!view) throw new Error('edit never deletes');
  return issued ? { ...view, clientSecret: issued } : view;
}

/** Submits a draft for review; a JWKS service's key set must still pass its check. */
export async function submitService(ctx: ServiceContext, user: AuthenticatedUser, id: string) {
  const current = await getService(ctx, id, { user, actor: 'owner' });
  if (current.status === 'draft' && current.authMethod === 'jwks_uri' && current.jwksUri) {
    await requirePassingJwks(ctx, current.jwksUri);
  }
  return runTransition(ctx, {
    id,
    action: 'submit',
    actor: 'owner',
    user,
    precondition: (locked) => {
      if (locked.jwksUri !== current.jwksUri || locked.authMethod !== current.authMethod) {
        throw new ProblemError({
          status: 409,
          code: 'changed_during_check',
          title: 'The service changed while its key set was checked',
          detail: 'Submit again to check the current configuration.',
        });
      }
    },
    changes: () => ({ submittedAt: new Date(), reviewNote: null, rejectionReason: null }),
  });
}

/** Issues a new client secret, returned once; the provisioner puts it into every environment the service is in. */
export async function rotateSecret(ctx: ServiceContext, user: AuthenticatedUser, id: string) {
  const clientSecret = generateClientSecret();
  await runTransition(ctx, {
    id,
    action: 'rotate_secret',
    actor: 'owner',
    user,
    precondition: (locked) => {
      if (locked.authMethod !== 'client_secret') {
        throw new ProblemError({
          status: 409,
          code: 'not_a_secret_client',
          title: 'This service has no client secret',
          detail: 'The service authenticates with its JWKS URI (private_key_jwt); rotate its keys at that URL instead.',
        });
      }
    },
    changes: (locked) => sealedSecretColumns(ctx.keyring, locked.id, clientSecret),
  });
  return { clientSecret };
}

export async function getService(
  ctx: ViewContext,
  id: string,
  viewer: { user: AuthenticatedUser; actor: Actor },
): Promise<BackendService> {
  const record = await findService(ctx.db, id);
  if (!record || (viewer.actor === 'owner' && record.ownerId !== viewer.user.id)) {
    throw problems.notFound('The backend service');
  }
  return toView(record, viewer.actor, ctx.environmentSettings);
}

export async function listServicePage(
  ctx: ViewContext,
  query: { status?: ServiceStatusColumn; q?: string } & PageRequest,
  viewer: { ownerId?: string; actor: Actor },
): Promise<{ items: BackendService[]; nextCursor: string | null }> {
  const window = readPage(query, UUID_KEY);
  const rows = await listServices(ctx.db, {
    ...window,
    ...(viewer.ownerId !== undefined && { ownerId: viewer.ownerId }),
    ...(query.status !== undefined && { status: query.status }),
    ...(query.q !== undefined && { q: query.q }),
  });
  const page = toPage(rows, window.limit, (row) => row.id);
  return {
    items: page.items.map((row) => toView(row, viewer.actor, ctx.environmentSettings)),
    nextCursor: page.nextCursor,
  };
}

/** Admin: the services under review, the one waiting longest first (submitted_at, then id). */
export async function reviewQueuePage(
  ctx: ViewContext,
  query: PageRequest,
): Promise<{ items: BackendService[]; nextCursor: string | null }> {
  const window = readTimestampPage(query);
  const rows = await listReviewQueue(ctx.db, window);
  const page = toPage(rows, window.limit, (row) => formatTimestampKey(row.queueKey));
  return {
    items: page.items.map((row) => toView(row, 'admin', ctx.environmentSettings)),
    nextCursor: page.nextCursor,
  };
}

/** Admin: re-arms the provisioning of every environment the service has, whatever its state, and audits it. */
export async function resyncService(ctx: ChangeContext, admin: AuthenticatedUser, id: string): Promise<BackendService> {
  return inQueueingTransaction(ctx, async (trx) => {
    const locked = await lockService(trx, id);
    if (!locked) throw problems.notFound('The backend service');
    const environments = await provisionedEnvironments(trx, id);
    await recordChange(trx, locked, {
      actorId: admin.id,
      action: 'resync',
      ...eventStatuses(locked.status, locked.status),
      detail: { environments },
      environments,
    });
    return { result: toView(await mustFind(trx, id), 'admin', ctx.environmentSettings), queued: environments.length };
  });
}
