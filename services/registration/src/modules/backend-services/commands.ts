// The lifecycle commands: one per action of the lifecycle table (packages/domain), each deciding the fields it
// changes, recording its audit event and queuing provisioning in one transaction (through transitions.ts). Routes
// translate HTTP to a command and its result back, and decide nothing.
import { randomBytes } from 'node:crypto';
import type { Database } from '@payerbox/db';
import { type ConfigurationChanges, configurationChanges, statusesAllowing, transition } from '@payerbox/domain';
import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { ProblemError, problems } from '../../errors.ts';
import { closePendingRequest } from '../change-requests/repository.ts';
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from '../idempotency/repository.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import {
  currentClientSecret,
  generateClientSecret,
  NO_SECRET_COLUMNS,
  sealedProductionSecretColumns,
  sealedSecretColumns,
} from './client-secret.ts';
import { checkConfiguration, editedConfiguration, organizationFieldErrors } from './configuration.ts';
import type { ChangeContext, ServiceContext } from './context.ts';
import { type IfMatch, ifMatchAccepts } from './if-match.ts';
import { requirePassingKeySets } from './key-sets.ts';
import { insertServiceRecordingChange, type ServiceChanges } from './repository-writes.ts';
import { toView } from './representation.ts';
import type { BackendService, CreateBackendService, UpdateBackendService } from './schemas.ts';
import { getService } from './service.ts';
import { lifecycleChange, runTransition, UNCHANGED } from './transitions.ts';

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

/**
 * create: registers a draft and queues its sandbox client; a client_secret service gets its secret (shown once).
 * `copiedFrom` names the rejected service a copy starts from (see {@link copyService}); its event records it.
 */
export async function createService(
  ctx: ServiceContext,
  owner: AuthenticatedUser,
  input: CreateBackendService,
  idempotencyKey: string | undefined,
  copiedFrom?: string,
): Promise<CreateResult> {
  const scopes = checkConfiguration(
    {
      authMethod: input.authMethod,
      jwksUri: input.jwksUri ?? null,
      productionJwksUri: input.productionJwksUri ?? null,
      scopeVersion: input.scopeVersion,
      scopes: input.scopes,
    },
    organizationFieldErrors(ctx.organizations !== undefined, input.organizationId, 'create'),
  );
  // The key sets and the organization are checked before the transaction opens: no row lock or connection waits on
  // a remote server.
  if (input.authMethod === 'jwks_uri') await requirePassingKeySets(ctx, input);
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
        productionJwksUri: input.productionJwksUri ?? null,
        scopeVersion: input.scopeVersion,
        scopes,
        organizationId: input.organizationId ?? null,
        status: 'draft',
        ...(secret && sealedSecretColumns(ctx.keyring, id, secret)),
      },
      lifecycleChange({
        action: 'create',
        actorId: owner.id,
        from: null,
        to: 'draft',
        detail: copiedFrom ? { copiedFrom } : {},
      }),
    );
    // Built from what the statement returned: no second read of the row just written.
    const owned = { id: owner.id, email: owner.email, name: owner.name };
    return toView({ ...inserted, owner: owned, environments, organization }, 'owner', ctx.environmentSettings);
  };
  // Without an Idempotency-Key the single statement is atomic by itself: no transaction, no extra round trips.
  const result: { service: BackendService; replayed: boolean; secret: string | undefined } = idempotencyKey
    ? await ctx.db.transaction().execute(async (trx) => {
        const scope = { userId: owner.id, operation: 'createBackendService', key: idempotencyKey };
        // A copy's source is part of the request: the same key cannot copy another service (or create one).
        const claim = await claimIdempotencyKey(trx, scope, requestHash(copiedFrom ? { ...input, copiedFrom } : input));
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
 * copy: starts again from a rejected service of the owner's. The source stays as it is; a new draft with its
 * configuration is created as {@link createService} creates one (new id and client id, a new secret for a
 * client_secret service, the key set checked again, the sandbox client queued), its event naming the source.
 */
export async function copyService(
  ctx: ServiceContext,
  owner: AuthenticatedUser,
  id: string,
  idempotencyKey: string | undefined,
): Promise<CreateResult> {
  const source = await getService(ctx, id, { user: owner, actor: 'owner' });
  if (!transition(source.status, 'copy', 'owner').ok) {
    throw problems.illegalTransition('copy', source.status, statusesAllowing('copy'));
  }
  const input: CreateBackendService = {
    name: source.name,
    authMethod: source.authMethod,
    scopeVersion: source.scopeVersion,
    scopes: source.scopes,
    ...(source.description !== null && { description: source.description }),
    ...(source.jwksUri !== null && { jwksUri: source.jwksUri }),
    ...(source.productionJwksUri !== null && { productionJwksUri: source.productionJwksUri }),
    ...(source.organizationId !== null && { organizationId: source.organizationId }),
  };
  return createService(ctx, owner, input, idempotencyKey, source.id);
}

/**
 * edit: changes a draft. Switching to client_secret issues a secret (returned once); switching to jwks_uri erases it.
 * A new JWKS URI is checked before anything is written. The event records only the fields whose stored value changed;
 * an edit that changes none (every sent field equals the stored value) writes nothing and answers the service as it is.
 */
export async function editService(
  ctx: ServiceContext,
  user: AuthenticatedUser,
  id: string,
  ifMatch: IfMatch,
  input: UpdateBackendService,
): Promise<ServiceWithSecret> {
  if (input.authMethod !== 'client_secret') {
    // Only the URLs this edit sends are checked: the stored ones passed when they were set, and submit checks again.
    await requirePassingKeySets(ctx, {
      jwksUri: input.jwksUri ?? undefined,
      productionJwksUri: input.productionJwksUri ?? undefined,
    });
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

/**
 * delete: removes a draft, or takes a rejected service off the owner's dashboard; either stays a tombstone in the
 * audit trail. A draft's sandbox client is removed in the background; a rejected service's clients stay disabled
 * (environmentTarget in packages/domain), and admins still see it.
 */
export async function deleteService(ctx: ChangeContext, user: AuthenticatedUser, id: string): Promise<void> {
  await runTransition(ctx, { id, action: 'delete', actor: 'owner', user });
}

/** submit: sends a draft to review; a JWKS service's key sets must still pass their check. */
export async function submitService(ctx: ServiceContext, user: AuthenticatedUser, id: string) {
  const current = await getService(ctx, id, { user, actor: 'owner' });
  if (current.status === 'draft' && current.authMethod === 'jwks_uri') await requirePassingKeySets(ctx, current);
  return runTransition(ctx, {
    id,
    action: 'submit',
    actor: 'owner',
    user,
    precondition: (locked) => {
      if (
        locked.jwksUri !== current.jwksUri ||
        locked.productionJwksUri !== current.productionJwksUri ||
        locked.authMethod !== current.authMethod
      ) {
        throw new ProblemError({
          status: 409,
          code: 'changed_during_check',
          title: 'The service changed while its key set was checked',
          detail: 'Submit again to check the current configuration.',
        });
      }
    },
    changes: () => ({ submittedAt: new Date(), reviewNote: null, rejectionReason: null, returnReason: null }),
  });
}

/** withdraw: takes a service back from review; it is an editable draft again. */
export async function withdrawService(ctx: ChangeContext, user: AuthenticatedUser, id: string) {
  return runTransition(ctx, { id, action: 'withdraw', actor: 'owner', user, changes: () => ({ submittedAt: null }) });
}

/**
 * approve: makes a service under review active, with the reviewer's optional note (blank is none). A client_secret
 * service gets its production secret in the same transaction: production never takes the sandbox secret. Its owner
 * retrieves it once (POST …/production-secret).
 */
export async function approveService(
  ctx: ChangeContext & Pick<ServiceContext, 'keyring'>,
  reviewer: AuthenticatedUser,
  id: string,
  input: { readonly note?: string | undefined },
) {
  const note = input.note?.trim() || null;
  let productionSecret: 'issued' | undefined;
  return runTransition(ctx, {
    id,
    action: 'approve',
    actor: 'admin',
    user: reviewer,
    changes: (locked) => {
      const decided = { reviewNote: note, reviewedAt: new Date(), reviewedBy: reviewer.id };
      if (locked.authMethod !== 'client_secret') return decided;
      productionSecret = 'issued';
      return { ...decided, ...sealedProductionSecretColumns(ctx.keyring, locked.id, generateClientSecret(), false) };
    },
    detail: () => ({ ...(note && { note }), ...(productionSecret && { productionSecret }) }),
  });
}

/** return: sends a submission back to its owner as an editable draft, with the reason they read until they resubmit. */
export async function returnService(
  ctx: ChangeContext,
  reviewer: AuthenticatedUser,
  id: string,
  input: { readonly reason: string },
) {
  const reason = input.reason.trim();
  return runTransition(ctx, {
    id,
    action: 'return',
    actor: 'admin',
    user: reviewer,
    reason,
    changes: () => ({ returnReason: reason, submittedAt: null, reviewedAt: new Date(), reviewedBy: reviewer.id }),
    detail: { reason },
  });
}

/** A decision that ends in `rejected` with a reason the developer reads (reject, deactivate). */
function decideWithReason(action: 'reject' | 'deactivate') {
  return async (ctx: ChangeContext, reviewer: AuthenticatedUser, id: string, input: { readonly reason: string }) => {
    const reason = input.reason.trim();
    return runTransition(ctx, {
      id,
      action,
      actor: 'admin',
      user: reviewer,
      reason,
      ...(action === 'deactivate' && { underLock: closeChangeRequest(reviewer, 'deactivated') }),
      changes: () => ({ rejectionReason: reason, reviewedAt: new Date(), reviewedBy: reviewer.id }),
      detail: { reason },
    });
  };
}

/** A pending change request of a service that leaves active can never be decided: it is closed with it. */
function closeChangeRequest(user: AuthenticatedUser, how: 'retired' | 'deactivated') {
  return (trx: Transaction<Database>, locked: { readonly id: string }) =>
    closePendingRequest(trx, locked.id, user.id, `The service was ${how}.`);
}

/**
 * retire: the owner ends an active service's access, with the effect of an admin's deactivate (status rejected,
 * production and sandbox clients disabled); the optional reason (blank is none) is kept as the rejection reason.
 */
export async function retireService(
  ctx: ChangeContext,
  owner: AuthenticatedUser,
  id: string,
  input: { readonly reason?: string | undefined },
) {
  const reason = input.reason?.trim() || null;
  return runTransition(ctx, {
    id,
    action: 'retire',
    actor: 'owner',
    user: owner,
    underLock: closeChangeRequest(owner, 'retired'),
    changes: () => ({ rejectionReason: reason }),
    detail: reason ? { reason } : {},
  });
}

/** reject: declines a service under review; its sandbox client is disabled. */
export const rejectService = decideWithReason('reject');

/** deactivate: ends an active service's access; its production and sandbox clients are disabled. */
export const deactivateService = decideWithReason('deactivate');

/**
 * resync: re-arms the provisioning of every environment the service is provisioned in, whatever its status, and
 * audits it; the service itself (and its version) stays as it is.
 */
export async function resyncService(ctx: ChangeContext, admin: AuthenticatedUser, id: string): Promise<BackendService> {
  const view = await runTransition(ctx, {
    id,
    action: 'resync',
    actor: 'admin',
    user: admin,
    detail: (environments) => ({ environments }),
  });
  if (!view) throw new Error('resync never deletes');
  return view;
}
