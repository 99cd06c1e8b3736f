import type { Database, EnvironmentColumn, ServiceStatusColumn } from '@payerbox/db';
import {
  type Actor,
  environmentsToReconcile,
  eventStatuses,
  type LifecycleAction,
  reconcilesProvisionedEnvironments,
  requiresReason,
  statusesAllowing,
  transition,
} from '@payerbox/domain';
import type { ServiceLock } from '@payerbox/provisioning-outbox';
import type { Kysely, Transaction } from 'kysely';
import { problems } from '../../errors.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import type { ChangeContext } from './context.ts';
import { findService, provisionedEnvironments, type ServiceRecord } from './repository-reads.ts';
import {
  type ChangeRecord,
  type LockedService,
  lockService,
  recordChange,
  type ServiceChanges,
  updateService,
} from './repository-writes.ts';
import { toView } from './representation.ts';
import type { BackendService } from './schemas.ts';

export async function mustFind(db: Kysely<Database> | Transaction<Database>, id: string): Promise<ServiceRecord> {
  const record = await findService(db, id);
  if (!record) throw problems.notFound('The backend service');
  return record;
}

export interface LifecycleEffect {
  readonly action: LifecycleAction;
  readonly actorId: string;
  readonly from: ServiceStatusColumn | null;
  readonly to: ServiceStatusColumn | null;
  readonly detail: Record<string, unknown>;
}

/** The change record of a lifecycle action, reconciling the environments its rules name (or those given). */
export function lifecycleChange(
  effect: LifecycleEffect,
  environments: readonly EnvironmentColumn[] = environmentsToReconcile(effect.action),
): ChangeRecord {
  return {
    actorId: effect.actorId,
    action: effect.action,
    ...eventStatuses(effect.from ?? 'none', effect.to ?? 'none'),
    detail: effect.detail,
    environments,
  };
}

/**
 * The environments to reconcile after `action` by the lifecycle table, reading where the service is provisioned
 * only for an action whose rule depends on it (a secret rotation, a resync).
 */
async function environmentsAfter(
  trx: Transaction<Database>,
  serviceId: string,
  action: LifecycleAction,
): Promise<readonly EnvironmentColumn[]> {
  const provisioned = reconcilesProvisionedEnvironments(action) ? await provisionedEnvironments(trx, serviceId) : [];
  return environmentsToReconcile(action, provisioned);
}

/**
 * Runs a transaction that may queue provisioning and, once it committed, wakes the provisioner if it queued any:
 * `work` answers its result and how many environments it queued.
 */
export async function inQueueingTransaction<T>(
  ctx: ChangeContext,
  work: (trx: Transaction<Database>) => Promise<{ readonly result: T; readonly queued: number }>,
): Promise<T> {
  const { result, queued } = await ctx.db.transaction().execute(work);
  if (queued > 0) ctx.wakeProvisioner();
  return result;
}

/**
 * What `changes` answers when the request leaves the service exactly as it is (an edit that sends the stored values):
 * nothing is written, no event, no provisioning, and the service is answered as it is.
 */
export const UNCHANGED = Symbol('unchanged');

export interface TransitionRequest {
  readonly id: string;
  readonly action: LifecycleAction;
  readonly actor: Actor;
  readonly user: AuthenticatedUser;
  /**
   * Fields the action sets besides the status (reason, timestamps, configuration), or {@link UNCHANGED} (only for an
   * action that keeps the status).
   */
  readonly changes?: (locked: LockedService) => ServiceChanges | typeof UNCHANGED;
  /**
   * The audit event's detail; a function when it is decided under the lock (it runs after `changes`, and gets the
   * environments the action reconciles).
   */
  readonly detail?: Record<string, unknown> | ((environments: readonly EnvironmentColumn[]) => Record<string, unknown>);
  readonly reason?: string;
  /** Checked after the lock and the status rule: may refuse with a problem. */
  readonly precondition?: (locked: LockedService) => void;
  /**
   * Reads and writes of other rows that belong to the action (a change request's), under the service's lock, after
   * the precondition and before `changes`; may refuse with a problem.
   */
  readonly underLock?: (trx: Transaction<Database>, locked: LockedService) => Promise<void>;
}

/** Writes an action's changes with the status it leads to, its audit event and its jobs; answers how many it queued. */
async function applyAction(
  trx: Transaction<Database>,
  locked: LockedService & ServiceLock,
  request: TransitionRequest,
  to: ServiceStatusColumn | null,
  requested: ServiceChanges,
): Promise<number> {
  const changes: ServiceChanges = { ...requested };
  if (to === null) changes.deletedAt = new Date();
  else if (to !== locked.status) changes.status = to;
  // An action that changes no field (a resync) leaves the row, and so its version, as it is.
  if (Object.keys(changes).length > 0) await updateService(trx, locked.id, changes);
  const environments = await environmentsAfter(trx, locked.id, request.action);
  const detail = typeof request.detail === 'function' ? request.detail(environments) : request.detail;
  const effect = { action: request.action, actorId: request.user.id, from: locked.status, to, detail: detail ?? {} };
  const queued = await recordChange(trx, locked, lifecycleChange(effect, environments));
  return queued.length;
}

/**
 * Runs one lifecycle action atomically: lock the row, decide with the pure lifecycle rules, update, write the audit
 * event and the provisioning jobs, all in one transaction; or none of these when the request changes nothing
 * ({@link UNCHANGED}). Returns the service as it is afterwards (or undefined when the action deleted it).
 */
export async function runTransition(
  ctx: ChangeContext,
  request: TransitionRequest,
): Promise<BackendService | undefined> {
  if (requiresReason(request.action) && !request.reason?.trim()) {
    throw problems.reasonRequired(request.action);
  }
  return inQueueingTransaction(ctx, async (trx) => {
    const locked = await lockService(trx, request.id);
    if (!locked || (request.actor === 'owner' && locked.ownerId !== request.user.id)) {
      throw problems.notFound('The backend service');
    }
    const result = transition(locked.status, request.action, request.actor);
    if (!result.ok) throw problems.illegalTransition(request.action, locked.status, statusesAllowing(request.action));
    request.precondition?.(locked);
    await request.underLock?.(trx, locked);
    const to = result.to === 'none' ? null : result.to;
    const requested = request.changes?.(locked) ?? {};
    if (requested === UNCHANGED && to !== locked.status) {
      throw new Error(`${request.action} changes the status, so it cannot leave the service unchanged`);
    }
    const queued = requested === UNCHANGED ? 0 : await applyAction(trx, locked, request, to, requested);
    const view =
      to === null ? undefined : toView(await mustFind(trx, locked.id), request.actor, ctx.environmentSettings);
    return { result: view, queued };
  });
}
