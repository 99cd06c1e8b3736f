/**
 * FHIR history and vread over the versions the store keeps (FHIR R4 §3.1.0.6 "vread", §3.1.0.12 "history"; Aidbox:
 * aidbox-docs `docs/api/rest-api/history.md`, `docs/api/rest-api/crud/read.md`).
 *
 * - vread `GET /fhir/<type>/<id>/_history/<vid>`: 200 with that version, 410 when the version is a deletion, 404 for
 *   a version or resource never stored.
 * - history `GET /fhir/<type>/<id>/_history` and `GET /fhir/<type>/_history`: a `history` Bundle, newest version
 *   first, each entry with its `request` (how the version came about) and `response`; a deletion has no resource.
 *   Instance history of a resource never stored is 404. `_count` limits the entries (default 100); there is no paging.
 */
import type { JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import type { ResourceKind } from './resource-kinds.ts';
import type { OperationResult } from './resource-operations.ts';
import type { ResourceStore, ResourceVersion } from './resource-store.ts';

const DEFAULT_COUNT = 100;

export function readVersion(
  store: ResourceStore,
  kind: ResourceKind,
  type: string,
  id: string,
  versionId: string,
): OperationResult {
  const version = store.versions(type, id).find((candidate) => versionIdOf(candidate) === versionId);
  if (!version) throw new OutcomeError(404, 'not-found', `Resource ${type}/${id} has no version ${versionId}`);
  if (version.change === 'delete') {
    throw new OutcomeError(410, 'deleted', `Version ${versionId} of ${type}/${id} is its deletion`);
  }
  const body = kind.view({ resource: version.resource });
  return { status: 200, body, headers: { etag: `W/"${versionId}"` } };
}

/** The history Bundle of one resource (`id` given) or of a whole type. `base` is the FHIR base URL. */
export function historyBundle(
  store: ResourceStore,
  kind: ResourceKind,
  base: string,
  type: string,
  id: string | undefined,
  query: URLSearchParams,
): JsonObject {
  const versions = id === undefined ? store.typeVersions(type) : store.versions(type, id);
  if (id !== undefined && versions.length === 0) {
    throw new OutcomeError(404, 'not-found', `Resource ${type}/${id} not found`);
  }
  const count = countOf(query);
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${base}/${type}${id === undefined ? '' : `/${id}`}/_history` }],
    entry: versions.slice(0, count).map((version) => historyEntry(kind, base, type, version)),
  };
}

function historyEntry(kind: ResourceKind, base: string, type: string, version: ResourceVersion): JsonObject {
  const resource = version.resource;
  const versionId = versionIdOf(version);
  const meta = resource.meta as JsonObject | undefined;
  const url = `${type}/${resource.id}`;
  const request = {
    create: { method: 'POST', url: type },
    update: { method: 'PUT', url },
    delete: { method: 'DELETE', url },
  }[version.change];
  const status = { create: '201', update: '200', delete: '204' }[version.change];
  return {
    fullUrl: `${base}/${url}`,
    ...(version.change === 'delete' ? {} : { resource: kind.view({ resource }) }),
    request,
    response: { status, etag: `W/"${versionId}"`, lastModified: meta?.lastUpdated },
  };
}

function versionIdOf(version: ResourceVersion): string | undefined {
  const versionId = (version.resource.meta as JsonObject | undefined)?.versionId;
  return typeof versionId === 'string' ? versionId : undefined;
}

function countOf(query: URLSearchParams): number {
  const value = query.get('_count');
  if (value === null) return DEFAULT_COUNT;
  if (!/^\d{1,6}$/.test(value)) throw new OutcomeError(400, 'invalid', '_count must be a non-negative integer');
  return Number(value);
}
