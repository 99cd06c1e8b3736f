/**
 * Read, update (upsert), patch and delete with Aidbox's HTTP semantics (`docs/api/rest-api/crud/*.md`), shared by the
 * admin API and the FHIR API: PUT answers 201 when it creates and 200 when it replaces; PATCH merges (RFC 7396);
 * DELETE answers 200 with the deleted resource, or 204 when there is nothing (left) to delete; a read answers 404 for
 * an id never seen and 410 for a deleted one; `If-Match` with a `versionId` guards writes.
 */
import { randomUUID } from 'node:crypto';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { applyMergePatch } from './merge-patch.ts';
import { OutcomeError } from './operation-outcome.ts';
import type { ResourceKind } from './resource-kinds.ts';
import type { ResourceStore, StoredResource } from './resource-store.ts';
import type { Problems } from './resource-validation.ts';
import { isValidResourceId } from './resource-validation.ts';

export interface OperationResult {
  readonly status: number;
  readonly body?: JsonObject;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Turns a resource about to be written into the one to store, or refuses it by throwing an `OutcomeError`; an
 * organization base uses it to bind what it writes (`orgbac.ts`). `previous` is what is stored now, if anything.
 */
export type PrepareWrite = (resource: JsonObject, previous: JsonObject | undefined) => JsonObject;

const asIs: PrepareWrite = (resource) => resource;

export function readResource(store: ResourceStore, kind: ResourceKind, type: string, id: string): OperationResult {
  const stored = existing(store, type, id);
  return answer(200, kind, stored);
}

export function updateResource(
  store: ResourceStore,
  kind: ResourceKind,
  type: string,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  prepare: PrepareWrite = asIs,
): OperationResult {
  if (!isValidResourceId(id)) {
    throw new OutcomeError(422, 'invalid', `${id} is not a valid id (letters, digits, "-", ".", "_"; at most 64)`);
  }
  const resource = envelope(body, type, id);
  const previous = store.get(type, id);
  checkIfMatch(previous, ifMatch, 409);
  const accepted = acceptOrThrow(kind, prepare(resource, previous?.resource));
  const { created, stored } = store.put(type, id, accepted.resource, accepted.secretSha256);
  return answer(created ? 201 : 200, kind, stored);
}

/** Creates a resource with a given or a new id (FHIR create; Aidbox honours an `id` in the body). */
export function createResource(
  store: ResourceStore,
  kind: ResourceKind,
  type: string,
  body: unknown,
  prepare: PrepareWrite = asIs,
): OperationResult {
  const id = isJsonObject(body) && typeof body.id === 'string' ? body.id : randomUUID();
  if (!isValidResourceId(id)) throw new OutcomeError(422, 'invalid', `${id} is not a valid id`);
  if (store.get(type, id)) throw new OutcomeError(409, 'duplicate', `${type}/${id} already exists`);
  const accepted = acceptOrThrow(kind, prepare(envelope(body, type, id), undefined));
  const { stored } = store.put(type, id, accepted.resource, accepted.secretSha256);
  return answer(201, kind, stored);
}

export function patchResource(
  store: ResourceStore,
  kind: ResourceKind,
  type: string,
  id: string,
  patch: unknown,
  ifMatch: string | undefined,
  prepare: PrepareWrite = asIs,
): OperationResult {
  // Aidbox reads an array body as JSON Patch (RFC 6902), which the emulator does not implement.
  if (Array.isArray(patch)) {
    throw new OutcomeError(415, 'not-supported', 'JSON Patch is not supported here; send application/merge-patch+json');
  }
  if (!isJsonObject(patch)) throw new OutcomeError(400, 'structure', 'the patch must be a JSON object');
  const previous = existing(store, type, id);
  checkIfMatch(previous, ifMatch, 409);
  const merged = applyMergePatch(previous.resource, patch);
  const resource = prepare(envelope(merged, type, id), previous.resource);
  const accepted = acceptOrThrow(kind, resource, previous, patch);
  const { stored } = store.put(type, id, accepted.resource, accepted.secretSha256);
  return answer(200, kind, stored);
}

export function deleteResource(
  store: ResourceStore,
  kind: ResourceKind,
  type: string,
  id: string,
  ifMatch: string | undefined,
): OperationResult {
  const previous = store.get(type, id);
  if (!previous) return { status: 204, headers: {} };
  checkIfMatch(previous, ifMatch, 412);
  store.delete(type, id);
  return { status: 200, body: kind.view(previous), headers: {} };
}

/** The stored resource, or 404 (never existed) / 410 (deleted). */
function existing(store: ResourceStore, type: string, id: string): StoredResource {
  const stored = store.get(type, id);
  if (stored) return stored;
  if (store.wasDeleted(type, id)) throw new OutcomeError(410, 'deleted', `Resource ${type}/${id} was deleted`);
  throw new OutcomeError(404, 'not-found', `Resource ${type}/${id} not found`);
}

/** Checks that a body is a resource of `type` whose `id`, if any, is the one in the URL. */
function envelope(body: unknown, type: string, id: string): JsonObject {
  if (!isJsonObject(body)) throw new OutcomeError(400, 'structure', 'the body must be a JSON object (a resource)');
  if ('resourceType' in body && body.resourceType !== type) {
    throw new OutcomeError(422, 'invalid', `resourceType must be ${type}`);
  }
  if ('id' in body && body.id !== id)
    throw new OutcomeError(422, 'invalid', `id in the body must be ${id}, as in the URL`);
  return { ...body, resourceType: type, id };
}

function acceptOrThrow(kind: ResourceKind, resource: JsonObject, previous?: StoredResource, patch?: JsonObject) {
  const accepted = kind.accept(resource, previous, patch);
  if ('list' in accepted) throw invalid(accepted);
  return accepted;
}

function invalid(problems: Problems): OutcomeError {
  return new OutcomeError(422, problems.toIssues(), '', {}, 'Invalid resource');
}

/**
 * `If-Match: W/"<versionId>"` (or a bare version) must name the current version; `If-Match: *` needs the resource to
 * exist. Aidbox answers a version mismatch on update with a `conflict` outcome, on delete with 412.
 */
function checkIfMatch(previous: StoredResource | undefined, ifMatch: string | undefined, mismatchStatus: 409 | 412) {
  if (ifMatch === undefined) return;
  if (ifMatch.trim() === '*') {
    if (!previous) throw new OutcomeError(412, 'conflict', 'If-Match: * but the resource does not exist');
    return;
  }
  const wanted = ifMatch
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');
  const current = (previous?.resource.meta as JsonObject | undefined)?.versionId;
  if (wanted !== current) throw new OutcomeError(mismatchStatus, 'conflict', 'Version Id mismatch');
}

function answer(status: number, kind: ResourceKind, stored: StoredResource): OperationResult {
  const body = kind.view(stored);
  const meta = body.meta as JsonObject | undefined;
  const headers: Record<string, string> = {};
  if (typeof meta?.versionId === 'string') headers.etag = `W/"${meta.versionId}"`;
  if (typeof meta?.lastUpdated === 'string') headers['last-modified'] = new Date(meta.lastUpdated).toUTCString();
  return { status, body, headers };
}
