// The change-request commands (issue 21): propose (a narrowing change applied at once, or a pending request),
// withdraw, approve, reject. Each is one lifecycle action of packages/domain run through runTransition, so that the
// service's row lock, the status rule, the audit event and the provisioning jobs work as for every other action; the
// request's own row is written under the same lock (`underLock`).
import type { Database } from '@payerbox/db';
import {
  type ChangedField,
  changedFields,
  classifyProposal,
  configurationChanges,
  configurationOf,
  type LifecycleAction,
  statusesAllowing,
  transition,
} from '@payerbox/domain';
import type { Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { ProblemError, problems } from '../../errors.ts';
import {
  generateClientSecret,
  NO_PRODUCTION_SECRET_COLUMNS,
  NO_SECRET_COLUMNS,
  sealedProductionSecretColumns,
  sealedSecretColumns,
} from '../backend-services/client-secret.ts';
import { editedConfiguration, organizationFieldErrors } from '../backend-services/configuration.ts';
import type { ChangeContext, ServiceContext } from '../backend-services/context.ts';
import { requirePassingKeySets } from '../backend-services/key-sets.ts';
import type { LockedService, ServiceChanges } from '../backend-services/repository-writes.ts';
import type { BackendService } from '../backend-services/schemas.ts';
import { getService } from '../backend-services/service.ts';
import { runTransition } from '../backend-services/transitions.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import {
  type Decision,
  decidePending,
  findChangeRequest,
  insertChangeRequest,
  pendingRequestId,
  requestStatus,
} from './repository.ts';
import { toChangeRequestView } from './representation.ts';
import type { ChangeRequestView, ProposeChange } from './schemas.ts';

const changeRequestPending = (changeRequestId: string) =>
  new ProblemError({
    status: 409,
    code: 'change_request_pending',
    title: 'A change request is pending',
    detail:
      'The service already has a pending change request: withdraw it, or wait for the decision, before proposing ' +
      'another change.',
    extensions: { changeRequestId },
  });

const changeRequestDecided = (currentStatus: string) =>
  new ProblemError({
    status: 409,
    code: 'change_request_decided',
    title: 'The change request is no longer pending',
    detail: `The change request is ${currentStatus}; only a pending request can be withdrawn, approved or rejected.`,
    extensions: { currentStatus },
  });

const changedDuringCheck = () =>
  new ProblemError({
    status: 409,
    code: 'changed_during_check',
    title: 'The service changed while the proposal was checked',
    detail: 'Read the service again and propose the change again.',
  });

async function refuseWhilePending(trx: Transaction<Database>, serviceId: string): Promise<void> {
  const pending = await pendingRequestId(trx, serviceId);
  if (pending) throw changeRequestPending(pending);
}

/** What a proposal answers: the service when it applied at once, or the pending request. */
export type ProposalResult =
  | { readonly applied: true; readonly service: BackendService }
  | { readonly applied: false; readonly changeRequest: ChangeRequestView & { clientSecret?: string } };

/**
 * propose_change: checks the proposal as a create is checked (the key set fetched, the organization known), then,
 * against the approved configuration, either applies it at once when it only narrows access (`apply_change`: both
 * environments reconciled) or records a pending request whose proposed configuration the sandbox runs until it is
 * decided. A proposed switch to client_secret gets a sandbox secret, answered once.
 */
export async function proposeChange(
  ctx: ServiceContext,
  owner: AuthenticatedUser,
  id: string,
  input: ProposeChange,
): Promise<ProposalResult> {
  const current = await getService(ctx, id, { user: owner, actor: 'owner' });
  if (!transition(current.status, 'propose_change', 'owner').ok) {
    throw problems.illegalTransition('propose_change', current.status, statusesAllowing('propose_change'));
  }
  const approved = configurationOf(current);
  const organizationErrors = organizationFieldErrors(ctx.organizations !== undefined, input.organizationId, 'edit');
  const proposed = editedConfiguration(approved, input, organizationErrors);
  if (proposed.authMethod !== 'client_secret') {
    // Only the key set URLs the proposal sends are fetched; the approved ones passed when they were approved.
    await requirePassingKeySets(ctx, { jwksUri: input.jwksUri, productionJwksUri: input.productionJwksUri });
  }
  if (ctx.organizations && typeof input.organizationId === 'string' && organizationErrors.length === 0) {
    await ctx.organizations.require(input.organizationId);
  }
  const { changes, appliesAtOnce } = classifyProposal(approved, proposed);
  if (changes.changed.length === 0) {
    throw problems.validation(
      [{ path: '/body', message: 'changes nothing: every field sent has its approved value' }],
      'The proposal changes nothing: send at least one field with a new value.',
    );
  }
  // Checked again under the lock: what was classified is what the service still is.
  const unchangedSinceRead = (locked: LockedService) => {
    if (configurationChanges(approved, configurationOf(locked)).changed.length > 0) throw changedDuringCheck();
  };
  if (appliesAtOnce) {
    const service = await runTransition(ctx, {
      id,
      action: 'apply_change',
      actor: 'owner',
      user: owner,
      precondition: unchangedSinceRead,
      underLock: (trx) => refuseWhilePending(trx, id),
      changes: () => ({ ...proposed }),
      detail: { ...changes },
    });
    if (!service) throw new Error('a change never deletes');
    return { applied: true, service };
  }
  const changeRequestId = uuidv7();
  const list: ChangedField[] = changedFields(changes);
  const secret = changes.secret === 'issued' ? generateClientSecret() : undefined;
  await runTransition(ctx, {
    id,
    action: 'propose_change',
    actor: 'owner',
    user: owner,
    precondition: unchangedSinceRead,
    underLock: async (trx) => {
      await refuseWhilePending(trx, id);
      // The sandbox secret is sealed to the service id like the service's own, so that approval can keep it as is.
      const sealed = secret ? sealedSecretColumns(ctx.keyring, id, secret) : {};
      await insertChangeRequest(trx, {
        id: changeRequestId,
        serviceId: id,
        ...proposed,
        changes: list,
        clientSecretCiphertext: sealed.clientSecretCiphertext ?? null,
        clientSecretKeyId: sealed.clientSecretKeyId ?? null,
        createdBy: owner.id,
      });
    },
    detail: { changeRequestId, ...changes },
  });
  const view = await readChangeRequest(ctx, id, changeRequestId);
  return { applied: false, changeRequest: secret ? { ...view, clientSecret: secret } : view };
}

/** A change request of the service, as the API shows it (404 when the service has none with this id). */
export async function readChangeRequest(
  ctx: Pick<ChangeContext, 'db'>,
  serviceId: string,
  id: string,
): Promise<ChangeRequestView> {
  const record = await findChangeRequest(ctx.db, serviceId, id);
  if (!record) throw problems.notFound('The change request');
  return toChangeRequestView(record);
}

type DecidedRow = NonNullable<Awaited<ReturnType<typeof decidePending>>>;

interface DecisionRequest {
  readonly action: Extract<LifecycleAction, 'withdraw_change' | 'approve_change' | 'reject_change'>;
  readonly actor: 'owner' | 'admin';
  readonly user: AuthenticatedUser;
  readonly serviceId: string;
  readonly changeRequestId: string;
  readonly decision: Decision;
  /** What the decided request changes on the service row (approval only). */
  readonly changes?: (decided: DecidedRow, locked: LockedService) => ServiceChanges;
  readonly detail: Record<string, unknown>;
}

/**
 * Decides a pending request under the service's lock: of two concurrent decisions the second finds it decided and
 * answers 409 naming its status. Answers the request as decided.
 */
async function decide(ctx: ChangeContext, request: DecisionRequest): Promise<ChangeRequestView> {
  let decided: DecidedRow | undefined;
  await runTransition(ctx, {
    id: request.serviceId,
    action: request.action,
    actor: request.actor,
    user: request.user,
    ...(request.decision.reason && { reason: request.decision.reason }),
    underLock: async (trx) => {
      decided = await decidePending(trx, request.serviceId, request.changeRequestId, request.decision);
      if (decided) return;
      const status = await requestStatus(trx, request.serviceId, request.changeRequestId);
      if (!status) throw problems.notFound('The change request');
      throw changeRequestDecided(status);
    },
    changes: (locked) => (decided && request.changes ? request.changes(decided, locked) : {}),
    detail: { changeRequestId: request.changeRequestId, ...request.detail },
  });
  return readChangeRequest(ctx, request.serviceId, request.changeRequestId);
}

/** withdraw_change: the owner takes back a pending request; the sandbox returns to the approved configuration. */
export async function withdrawChange(ctx: ChangeContext, owner: AuthenticatedUser, serviceId: string, crId: string) {
  return decide(ctx, {
    action: 'withdraw_change',
    actor: 'owner',
    user: owner,
    serviceId,
    changeRequestId: crId,
    decision: { status: 'withdrawn', decidedBy: owner.id },
    detail: {},
  });
}

/**
 * approve_change: the proposed configuration becomes the service's, in the transaction of its audit event; both
 * environments are reconciled to it. A proposed switch to client_secret keeps the secret the proposal issued as the
 * sandbox secret and issues production its own, which the owner retrieves once (`POST …/production-secret`), as after
 * an approval; a switch to a key set removes both secrets and any cutover waiting.
 */
export async function approveChange(
  ctx: ChangeContext & Pick<ServiceContext, 'keyring'>,
  admin: AuthenticatedUser,
  serviceId: string,
  crId: string,
  input: { readonly note?: string | undefined },
) {
  const note = input.note?.trim() || null;
  return decide(ctx, {
    action: 'approve_change',
    actor: 'admin',
    user: admin,
    serviceId,
    changeRequestId: crId,
    decision: { status: 'approved', decidedBy: admin.id, note },
    changes: (decided, locked) => {
      const { clientSecretCiphertext, clientSecretKeyId, ...configuration } = decided;
      const changes: ServiceChanges = { ...configuration };
      if (clientSecretCiphertext && clientSecretKeyId) {
        Object.assign(
          changes,
          { clientSecretCiphertext, clientSecretKeyId, clientSecretIssuedAt: new Date() },
          sealedProductionSecretColumns(ctx.keyring, serviceId, generateClientSecret(), false),
        );
      } else if (locked.authMethod === 'client_secret' && configuration.authMethod !== 'client_secret') {
        Object.assign(changes, NO_SECRET_COLUMNS, NO_PRODUCTION_SECRET_COLUMNS);
      }
      return changes;
    },
    detail: note ? { note } : {},
  });
}

/** reject_change: declines a pending request with the reason its owner reads; the sandbox returns to the approved. */
export async function rejectChange(
  ctx: ChangeContext,
  admin: AuthenticatedUser,
  serviceId: string,
  crId: string,
  input: { readonly reason: string },
) {
  const reason = input.reason.trim();
  return decide(ctx, {
    action: 'reject_change',
    actor: 'admin',
    user: admin,
    serviceId,
    changeRequestId: crId,
    decision: { status: 'rejected', decidedBy: admin.id, reason },
    detail: { reason },
  });
}
