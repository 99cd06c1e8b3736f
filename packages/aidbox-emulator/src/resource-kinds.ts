/**
 * How each kind of resource is checked on write and shown on read. Clients keep their secret only as a SHA-256 hash
 * and never show it: Aidbox's docs say it hashes secrets (release 2410+) but not what GET returns, and leaving the
 * secret out entirely is the choice that cannot leak it and that makes a read-modify-write through GET + PUT drop the
 * secret, which is exactly what real Aidbox's "PUT replaces the whole resource" does to a caller that forgets it.
 */
import { validateAccessPolicy } from './access-policy-resource.ts';
import { hashSecret, validateClient } from './client-resource.ts';
import type { JsonObject } from './json-value.ts';
import type { StoredResource } from './resource-store.ts';
import { Problems } from './resource-validation.ts';

export interface Accepted {
  readonly resource: JsonObject;
  readonly secretSha256?: Buffer;
}

export interface ResourceKind {
  /**
   * Validates a resource about to be stored and splits off what is never shown. `previous` and `patch` are given for
   * PATCH, so that a secret the patch does not mention is kept.
   */
  accept(resource: JsonObject, previous?: StoredResource, patch?: JsonObject): Accepted | Problems;
  /** The resource as a read returns it. */
  view(stored: StoredResource): JsonObject;
}

const clientKind: ResourceKind = {
  accept(resource, previous, patch) {
    const problems = validateClient(resource);
    if (problems.list.length > 0) return problems;
    const { secret, ...rest } = resource;
    if (typeof secret === 'string') return { resource: rest, secretSha256: hashSecret(secret) };
    const keep = patch !== undefined && !('secret' in patch) ? previous?.secretSha256 : undefined;
    return keep ? { resource: rest, secretSha256: keep } : { resource: rest };
  },
  view: aidboxView,
};

const accessPolicyKind: ResourceKind = {
  accept(resource) {
    const problems = validateAccessPolicy(resource);
    return problems.list.length > 0 ? problems : { resource };
  },
  view: aidboxView,
};

/** FHIR resources: the emulator checks their envelope, not their profile. */
const fhirKind: ResourceKind = {
  accept(resource) {
    const problems = new Problems();
    problems.common(resource, String(resource.resourceType));
    return problems.list.length > 0 ? problems : { resource };
  },
  // FHIR's Meta has no createdAt (Aidbox shows it only in its own format).
  view(stored) {
    const resource = structuredClone(stored.resource);
    if (resource.meta && typeof resource.meta === 'object') delete (resource.meta as JsonObject).createdAt;
    return resource;
  },
};

/** Kinds of the admin (Aidbox-format) API. */
export const ADMIN_KINDS: Readonly<Record<string, ResourceKind>> = {
  Client: clientKind,
  AccessPolicy: accessPolicyKind,
  Organization: { accept: fhirKind.accept, view: aidboxView },
};

export const FHIR_KIND = fhirKind;

/** A stored resource in Aidbox format, as the admin API's GET shows it (secrets are never in `resource`). */
export function aidboxView(stored: StoredResource): JsonObject {
  return structuredClone(stored.resource);
}
