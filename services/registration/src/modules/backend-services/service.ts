import { randomBytes } from 'node:crypto';
import type { Database, ServiceStatusColumn } from '@payerbox/db';
import {
  type Actor,
  availableActions,
  environmentsToReconcile,
  type LifecycleAction,
  requiresReason,
  statusesAllowing,
  transition,
  validateScopes,
} from '@payerbox/domain';
import type { Kysely, Transaction } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { type FieldError, ProblemError, problems } from '../../errors.ts';
import { type PageRequest, readPage, toPage, UUID_KEY } from '../../pagination.ts';
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from '../idempotency/repository.ts';
import type { AuthenticatedUser } from '../users/repository.ts';
import {
  findService,
  insertEvent,
  insertService,
  type LockedService,
  listServices,
  lockService,
  provisionedEnvironments,
  requestProvisioning,
  type ServiceChanges,
  type ServiceRecord,
  updateService,
} from './repository.ts';
import type { BackendService, CreateBackendService, UpdateBackendService } from './schemas.ts';

type Db = Kysely<Database>;

/** client_id: 128 random bits in hex behind a prefix; valid as an OAuth client_id and as a FHIR resource id. */
function newClientId(): string {
  return `bs-${randomBytes(16).toString('hex')}`;
}

/** The API representation, with the actions the caller may take now. */
export function toView(record: ServiceRecord, viewer: Actor): BackendService {
  const environment = (name: 'sandbox' | 'production') => {
    const row = record.environments.find((e) => e.environment === name);
    return row
      ? {
          state: row.state,
          clientId: record.clientId,
          error: row.lastError,
          updatedAt: new Date(row.updatedAt).toISOString(),
        }
      : null;
  };
  return {
    id: record.id,
    clientId: record.clientId,
    name: record.name,
    description: record.description,
    authMethod: record.authMethod,
    jwksUri: record.jwksUri,
    scopeVersion: record.scopeVersion,
    scopes: record.scopes,
    organizationId: record.organizationId,
    status: record.status,
    version: record.version,
    owner: record.owner,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    submittedAt: record.submittedAt?.toISOString() ?? null,
    reviewedAt: record.reviewedAt?.toISOString() ?? null,
    reviewNote: record.reviewNote,
    rejectionReason: record.rejectionReason,
    environments: { sandbox: environment('sandbox'), production: environment('production') },
    availableActions: availableActions(record.status, viewer),
  };
}

interface Configuration {
  authMethod: 'jwks_uri' | 'client_secret';
  jwksUri: string | null;
  scopeVersion: 'v1' | 'v2';
  scopes: readonly string[];
}

/** Rules across fields that a schema cannot say; returns the normalised scopes. */
function checkConfiguration(config: Configuration): string[] {
  const errors: FieldError[] = [];
  if (config.authMethod === 'jwks_uri' && !config.jwksUri) {
    errors.push({ path: '/body/jwksUri', message: 'is required when authMethod is jwks_uri' });
  }
  if (config.authMethod === 'client_secret' && config.jwksUri) {
    errors.push({ path: '/body/jwksUri', message: 'must be absent when authMethod is client_secret' });
  }
  const scopes = validateScopes(config.scopes, config.scopeVersion);
  if (!scopes.ok) {
    for (const problem of scopes.problems)
      errors.push({ path: `/body/scopes/${problem.index}`, message: problem.message });
  }
  if (errors.length > 0 || !scopes.ok) throw problems.validation(errors, 'The service configuration is not valid.');
  return scopes.scopes;
}

async function mustFind(db: Db | Transaction<Database>, id: string): Promise<ServiceRecord> {
  const record = await findService(db, id);
  if (!record) throw problems.notFound('The backend service');
  return record;
}

export interface CreateResult {
  readonly service: BackendService;
  /** True when an Idempotency-Key matched an earlier request and its response is returned again. */
  readonly replayed: boolean;
}

export async function createService(
  db: Db,
  owner: AuthenticatedUser,
  input: CreateBackendService,
  idempotencyKey: string | undefined,
): Promise<CreateResult> {
  const scopes = checkConfiguration({
    authMethod: input.authMethod,
    jwksUri: input.jwksUri ?? null,
    scopeVersion: input.scopeVersion,
    scopes: input.scopes,
  });
  return db.transaction().execute(async (trx) => {
    const scope = idempotencyKey
      ? { userId: owner.id, operation: 'createBackendService', key: idempotencyKey }
      : undefined;
    if (scope) {
      const claim = await claimIdempotencyKey(trx, scope, requestHash(input));
      if (claim.kind === 'replay') return { service: claim.body as BackendService, replayed: true };
      if (claim.kind === 'mismatch') {
        throw new ProblemError({
          status: 422,
          code: 'idempotency_key_reused',
          title: 'Idempotency-Key reused',
          detail: 'This Idempotency-Key was used with a different request body; use a new key for a new request.',
        });
      }
    }
    const id = uuidv7();
    await insertService(trx, {
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
    });
    await recordEffects(trx, { id, action: 'create', actorId: owner.id, from: null, to: 'draft', detail: {} });
    const service = toView(await mustFind(trx, id), 'owner');
    if (scope) await storeIdempotentResponse(trx, scope, 201, service);
    return { service, replayed: false };
  });
}

/** Writes the audit event and queues provisioning for a change, in the caller's transaction. */
async function recordEffects(
  trx: Transaction<Database>,
  effect: {
    id: string;
    action: LifecycleAction;
    actorId: string;
    from: ServiceStatusColumn | null;
    to: ServiceStatusColumn | null;
    detail: Record<string, unknown>;
  },
): Promise<void> {
  await insertEvent(trx, {
    serviceId: effect.id,
    actorId: effect.actorId,
    action: effect.action,
    fromStatus: effect.from,
    toStatus: effect.to,
    detail: effect.detail,
  });
  let environments = environmentsToReconcile(effect.action);
  if (effect.action === 'rotate_secret') {
    const provisioned = await provisionedEnvironments(trx, effect.id);
    environments = environments.filter((env) => provisioned.includes(env));
  }
  for (const environment of environments) await requestProvisioning(trx, effect.id, environment, effect.action);
}

export interface TransitionRequest {
  readonly id: string;
  readonly action: LifecycleAction;
  readonly actor: Actor;
  readonly user: AuthenticatedUser;
  /** Fields the action sets besides the status (reason, timestamps). */
  readonly changes?: (locked: LockedService) => ServiceChanges;
  readonly detail?: Record<string, unknown>;
  readonly reason?: string;
  /** Checked after the lock and the status rule: may refuse with a problem. */
  readonly precondition?: (locked: LockedService) => void;
}

/**
 * Runs one lifecycle action atomically: lock the row, decide with the pure lifecycle rules, update, write the audit
 * event and the provisioning jobs, all in one transaction. Returns the service as it is afterwards (or undefined when
 * the action deleted it).
 */
export async function runTransition(db: Db, request: TransitionRequest): Promise<BackendService | undefined> {
  if (requiresReason(request.action) && !request.reason?.trim()) {
    throw problems.validation([{ path: '/body/reason', message: 'is required' }]);
  }
  return db.transaction().execute(async (trx) => {
    const locked = await lockService(trx, request.id);
    if (!locked || (request.actor === 'owner' && locked.ownerId !== request.user.id)) {
      throw problems.notFound('The backend service');
    }
    const result = transition(locked.status, request.action, request.actor);
    if (!result.ok) throw problems.illegalTransition(request.action, locked.status, statusesAllowing(request.action));
    request.precondition?.(locked);
    const to = result.to === 'none' ? null : result.to;
    const changes: ServiceChanges = { ...request.changes?.(locked) };
    if (to === null) changes.deletedAt = new Date();
    else if (to !== locked.status) changes.status = to;
    await updateService(trx, locked.id, changes);
    await recordEffects(trx, {
      id: locked.id,
      action: request.action,
      actorId: request.user.id,
      from: locked.status,
      to,
      detail: request.detail ?? {},
    });
    return to === null ? undefined : toView(await mustFind(trx, locked.id), request.actor);
  });
}

/** Parses If-Match (`"3"`, `W/"3"` or `3`). */
export function parseIfMatch(header: string | undefined): number {
  if (header === undefined) throw problems.preconditionRequired();
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match?.[1]) {
    throw problems.validation([{ path: '/headers/if-match', message: 'must be the ETag of the service, e.g. "3"' }]);
  }
  return Number(match[1]);
}

export async function editService(
  db: Db,
  user: AuthenticatedUser,
  id: string,
  expectedVersion: number,
  input: UpdateBackendService,
): Promise<BackendService> {
  const view = await runTransition(db, {
    id,
    action: 'edit',
    actor: 'owner',
    user,
    precondition: (locked) => {
      if (locked.version !== expectedVersion) throw problems.versionMismatch(locked.version);
    },
    changes: (locked) => {
      const authMethod = input.authMethod ?? locked.authMethod;
      // Switching to client_secret drops the key set URL unless the request says otherwise.
      const jwksUri =
        input.jwksUri !== undefined ? input.jwksUri : authMethod === 'client_secret' ? null : locked.jwksUri;
      const scopeVersion = input.scopeVersion ?? locked.scopeVersion;
      const scopes = checkConfiguration({ authMethod, jwksUri, scopeVersion, scopes: input.scopes ?? locked.scopes });
      const changes: ServiceChanges = { authMethod, jwksUri, scopeVersion, scopes };
      if (input.name !== undefined) changes.name = input.name.trim();
      // An empty description is none, like null.
      if (input.description !== undefined) changes.description = input.description || null;
      if (input.organizationId !== undefined) changes.organizationId = input.organizationId;
      return changes;
    },
    detail: { changed: Object.keys(input).sort() },
  });
  if (!view) throw new Error('edit never deletes');
  return view;
}

export async function getService(
  db: Db,
  id: string,
  viewer: { user: AuthenticatedUser; actor: Actor },
): Promise<BackendService> {
  const record = await findService(db, id);
  if (!record || (viewer.actor === 'owner' && record.ownerId !== viewer.user.id)) {
    throw problems.notFound('The backend service');
  }
  return toView(record, viewer.actor);
}

export async function listServicePage(
  db: Db,
  query: { status?: ServiceStatusColumn; q?: string } & PageRequest,
  viewer: { ownerId?: string; actor: Actor },
): Promise<{ items: BackendService[]; nextCursor: string | null }> {
  const window = readPage(query, UUID_KEY);
  const rows = await listServices(db, {
    ...window,
    ...(viewer.ownerId !== undefined && { ownerId: viewer.ownerId }),
    ...(query.status !== undefined && { status: query.status }),
    ...(query.q !== undefined && { q: query.q }),
  });
  const page = toPage(rows, window.limit, (row) => row.id);
  return { items: page.items.map((row) => toView(row, viewer.actor)), nextCursor: page.nextCursor };
}
