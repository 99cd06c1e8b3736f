import type { JsonObject } from './json-value.ts';

/** One stored resource. `secretSha256` holds a Client's secret, which is kept only as a hash and never shown. */
export interface StoredResource {
  readonly resource: JsonObject;
  readonly secretSha256?: Buffer;
}

export type WriteResult = { readonly created: boolean; readonly stored: StoredResource };

/**
 * The emulator's database: resources by type and id, all in memory. The store stamps `meta` the way Aidbox does
 * (`versionId` from one server-wide counter, `lastUpdated`, and `createdAt` kept across updates) and remembers deleted
 * ids, because Aidbox answers a read of a deleted resource with 410 rather than 404 (`docs/api/rest-api/crud/read.md`).
 */
export class ResourceStore {
  readonly #resources = new Map<string, Map<string, StoredResource>>();
  readonly #deleted = new Map<string, Set<string>>();
  #version = 0;

  get(type: string, id: string): StoredResource | undefined {
    return this.#resources.get(type)?.get(id);
  }

  wasDeleted(type: string, id: string): boolean {
    return this.#deleted.get(type)?.has(id) ?? false;
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
    return previous;
  }

  #byType(type: string): Map<string, StoredResource> {
    const byId = this.#resources.get(type) ?? new Map<string, StoredResource>();
    this.#resources.set(type, byId);
    return byId;
  }
}
