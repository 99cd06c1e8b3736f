import type { JsonObject } from './json-value.ts';

/** One stored resource. `secretSha256` holds a Client's secret, which is kept only as a hash and never shown. */
export interface StoredResource {
  readonly resource: JsonObject;
  readonly secretSha256?: Buffer;
}

export type WriteResult = { readonly created: boolean; readonly stored: StoredResource };

/** One version of a resource, for FHIR history and vread. */
export interface ResourceVersion {
  /** The resource as this version stored it; for a deletion, the last content with the deletion's `meta`. */
  readonly resource: JsonObject;
  readonly change: 'create' | 'update' | 'delete';
}

export interface ResourceStoreOptions {
  /**
   * Whether to keep every version of resources of a type (FHIR history, `docs/api/rest-api/history.md`). Off for the
   * admin types, whose writers never read history and which a long benchmark writes by the hundred thousand.
   */
  readonly keepsHistory?: (type: string) => boolean;
}

/**
 * The emulator's database: resources by type and id, all in memory. The store stamps `meta` the way Aidbox does
 * (`versionId` from one server-wide counter, `lastUpdated`, and `createdAt` kept across updates) and remembers deleted
 * ids, because Aidbox answers a read of a deleted resource with 410 rather than 404 (`docs/api/rest-api/crud/read.md`).
 */
export class ResourceStore {
  readonly #resources = new Map<string, Map<string, StoredResource>>();
  readonly #deleted = new Map<string, Set<string>>();
  /** Type -> id -> versions, oldest first. */
  readonly #history = new Map<string, Map<string, ResourceVersion[]>>();
  readonly #keepsHistory: (type: string) => boolean;
  #version = 0;

  constructor(options: ResourceStoreOptions = {}) {
    this.#keepsHistory = options.keepsHistory ?? (() => false);
  }

  get(type: string, id: string): StoredResource | undefined {
    return this.#resources.get(type)?.get(id);
  }

  wasDeleted(type: string, id: string): boolean {
    return this.#deleted.get(type)?.has(id) ?? false;
  }

  /** The types that hold at least one resource, in the order they were first written. */
  types(): string[] {
    return [...this.#resources].filter(([, byId]) => byId.size > 0).map(([type]) => type);
  }

  /** Every resource of a type, in insertion order. */
  list(type: string): StoredResource[] {
    return [...(this.#resources.get(type)?.values() ?? [])];
  }

  /** Creates or replaces a resource; `resource.meta` system fields are overwritten, its other fields kept. */
  put(type: string, id: string, resource: JsonObject, secretSha256?: Buffer): WriteResult {
    const byId = this.#byType(type);
    const previous = byId.get(id);
    const now = new Date().toISOString();
    const previousMeta = (previous?.resource.meta ?? {}) as JsonObject;
    const meta = {
      ...((resource.meta ?? {}) as JsonObject),
      lastUpdated: now,
      createdAt: previous ? (previousMeta.createdAt ?? now) : now,
      versionId: String(++this.#version),
    };
    const { resourceType: _type, id: _id, meta: _meta, ...content } = resource;
    const stored: StoredResource = {
      resource: { resourceType: type, id, meta, ...content },
      ...(secretSha256 ? { secretSha256 } : {}),
    };
    byId.set(id, stored);
    this.#deleted.get(type)?.delete(id);
    this.#record(type, id, { resource: stored.resource, change: previous ? 'update' : 'create' });
    return { created: previous === undefined, stored };
  }

  /** Removes a resource and returns what was stored, or undefined when there was nothing. */
  delete(type: string, id: string): StoredResource | undefined {
    const byId = this.#resources.get(type);
    const previous = byId?.get(id);
    if (!previous || !byId) return undefined;
    byId.delete(id);
    const deleted = this.#deleted.get(type) ?? new Set<string>();
    this.#deleted.set(type, deleted.add(id));
    this.#record(type, id, { resource: previous.resource, change: 'delete' });
    return previous;
  }

  /** The versions of one resource, newest first; empty when none were kept. */
  versions(type: string, id: string): ResourceVersion[] {
    return [...(this.#history.get(type)?.get(id) ?? [])].reverse();
  }

  /** The versions of every resource of a type, newest first. */
  typeVersions(type: string): ResourceVersion[] {
    const all = [...(this.#history.get(type)?.values() ?? [])].flat();
    return all.sort((a, b) => versionNumber(b) - versionNumber(a));
  }

  /** Keeps a version; a deletion is a version of its own, with a new `versionId` (FHIR R4 §3.1.0.7.1). */
  #record(type: string, id: string, version: ResourceVersion): void {
    if (!this.#keepsHistory(type)) return;
    const { resource, change } = version;
    const stamped =
      change === 'delete'
        ? {
            ...resource,
            meta: { ...(resource.meta as JsonObject), versionId: String(++this.#version), lastUpdated: now() },
          }
        : resource;
    const byId = this.#history.get(type) ?? new Map<string, ResourceVersion[]>();
    this.#history.set(type, byId);
    const versions = byId.get(id) ?? [];
    versions.push({ resource: stamped, change });
    byId.set(id, versions);
  }

  #byType(type: string): Map<string, StoredResource> {
    const byId = this.#resources.get(type) ?? new Map<string, StoredResource>();
    this.#resources.set(type, byId);
    return byId;
  }
}

function now(): string {
  return new Date().toISOString();
}

function versionNumber(version: ResourceVersion): number {
  return Number((version.resource.meta as JsonObject | undefined)?.versionId ?? 0);
}
