/**
 * Organization-based hierarchical access control (OrgBAC), as Aidbox runs it with `BOX_SECURITY_ORGBAC_ENABLED=true`
 * (`docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md`,
 * `docs/tutorials/security-access-control-tutorials/how-to-enable-hierarchical-access-control.md`). Off unless the
 * emulator is started with `orgbac` (the setting defaults to `false`, `docs/reference/all-settings.md`); without it
 * there are no organization bases at all (404), as in Health Samurai's developer sandbox, which runs without OrgBAC
 * (`docs/solutions/aidbox-+-fhir-app-portal/getting-started/run-aidbox-+-fhir-portal-locally.md`).
 *
 * - Organizations form a tree through `Organization.partOf`; every organization has a FHIR base
 *   `/Organization/<id>/fhir`.
 * - A resource belongs to the organization its `meta.extension` `https://aidbox.app/tenant-organization-id` names.
 *   Through an organization's base, the resources of that organization and of its descendants are visible; those of
 *   its ancestors, siblings and other trees are not (403), nor are resources without a binding (root-level data).
 * - Resource modes (`https://aidbox.app/tenant-resource-mode`): a `shared` resource is also readable from the
 *   descendants of its organization, a `system-shared` one (which has no binding) from every organization; both are
 *   read-only there (403 on update or delete).
 * - A resource written through an organization's base is bound to it (or keeps a binding to one of its descendants).
 *
 * Where the docs are silent the emulator chooses, and says so here: a PUT or PATCH that leaves the binding out keeps
 * the resource's previous binding; a binding to an organization outside the base's subtree is refused (403); a write
 * of a `system-shared` resource through an organization base is refused (422, as the docs answer a system-shared
 * resource with a binding).
 */
import type { FhirInteraction } from './access-policies.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { OutcomeError } from './operation-outcome.ts';
import type { ResourceStore } from './resource-store.ts';

export const TENANT_ORGANIZATION_EXTENSION = 'https://aidbox.app/tenant-organization-id';
export const TENANT_RESOURCE_MODE_EXTENSION = 'https://aidbox.app/tenant-resource-mode';

export type ResourceMode = 'shared' | 'system-shared';

/** The writes on an organization base, whose operation ids Aidbox does not document. */
export type OrgbacWrite = Exclude<FhirInteraction, 'read' | 'search'>;

/**
 * The operation ids AccessPolicies see on an organization base. Aidbox runs requests there as routes of their own with
 * kebab-case ids; only read and search are documented (`docs/api/rest-api/other/smart-health-cards.md` §
 * "Organization scope (OrgBAC)": "`orgbac-fhir-read`, and `orgbac-fhir-search` (kebab-case route ids, not the
 * camel-case `FhirRead` / `FhirSearch`)"). The writes' ids are configurable and by default names no policy would
 * guess, so that a policy which grants writes through a guessed id (`orgbac-fhir-create`, ...) fails here as it may
 * fail on a real Aidbox, and policies have to match writes by method and path instead.
 */
export function orgbacOperations(writes: Partial<Record<OrgbacWrite, string>> = {}): Record<FhirInteraction, string> {
  return {
    read: 'orgbac-fhir-read',
    search: 'orgbac-fhir-search',
    create: writes.create ?? 'emulator-undocumented-orgbac-create',
    update: writes.update ?? 'emulator-undocumented-orgbac-update',
    patch: writes.patch ?? 'emulator-undocumented-orgbac-patch',
    delete: writes.delete ?? 'emulator-undocumented-orgbac-delete',
  };
}

/**
 * The organization a resource is bound to: FHIR format (`valueReference: {reference: "Organization/<id>"}`, as FHIR
 * resources are stored) or Aidbox format (`value: {Reference: {id}}`, as a Client written through the admin API is).
 */
export function tenantOrganizationOf(resource: JsonObject): string | undefined {
  for (const extension of metaExtensions(resource)) {
    if (extension.url !== TENANT_ORGANIZATION_EXTENSION) continue;
    const fhir = extension.valueReference;
    const aidbox = isJsonObject(extension.value) ? extension.value.Reference : undefined;
    const id = organizationIdOf(fhir) ?? organizationIdOf(aidbox);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The resource's tenant mode (`valueString`, or Aidbox's `value: {string}`), when it has one. */
export function resourceModeOf(resource: JsonObject): ResourceMode | undefined {
  for (const extension of metaExtensions(resource)) {
    if (extension.url !== TENANT_RESOURCE_MODE_EXTENSION) continue;
    const value = extension.valueString ?? (isJsonObject(extension.value) ? extension.value.string : undefined);
    if (value === 'shared' || value === 'system-shared') return value;
  }
  return undefined;
}

/** The id an Organization reference names: `{reference: "Organization/<id>"}` (also absolute) or `{id}`. */
function organizationIdOf(reference: unknown): string | undefined {
  if (!isJsonObject(reference)) return undefined;
  if (typeof reference.reference === 'string') {
    return /(?:^|\/)Organization\/([A-Za-z0-9._-]{1,64})$/.exec(reference.reference)?.[1];
  }
  const typeOk = reference.resourceType === undefined || reference.resourceType === 'Organization';
  return typeOk && typeof reference.id === 'string' && reference.id !== '' ? reference.id : undefined;
}

function metaExtensions(resource: JsonObject): JsonObject[] {
  const meta = resource.meta;
  if (!isJsonObject(meta) || !Array.isArray(meta.extension)) return [];
  return meta.extension.filter(isJsonObject);
}

/**
 * An organization and its ancestors through `partOf`, nearest first. The walk stops at an organization that does not
 * exist and at a cycle (which the data should never hold, but a loop must not hang the server).
 */
export function organizationLineage(store: ResourceStore, organizationId: string): string[] {
  const lineage: string[] = [];
  let current: string | undefined = organizationId;
  while (current !== undefined && !lineage.includes(current)) {
    const organization = store.get('Organization', current);
    if (!organization) break;
    lineage.push(current);
    current = organizationIdOf(organization.resource.partOf);
  }
  return lineage;
}

/** The 404 for an organization base whose organization does not exist. */
export function requireOrganization(store: ResourceStore, organizationId: string): void {
  if (!store.get('Organization', organizationId)) {
    throw new OutcomeError(404, 'not-found', `Resource Organization/${organizationId} not found`);
  }
}

/** What one organization's FHIR base may see and change. Made per request: the tree may change between requests. */
export class OrganizationCompartment {
  /** This organization and its ancestors. */
  readonly #lineage: ReadonlySet<string>;
  /** Organization id -> whether it is this organization or a descendant (memoized for searches). */
  readonly #inside = new Map<string, boolean>();

  constructor(
    private readonly store: ResourceStore,
    readonly organizationId: string,
  ) {
    this.#lineage = new Set(organizationLineage(store, organizationId));
  }

  /** Whether an organization is this one or one of its descendants. */
  contains(organizationId: string): boolean {
    let inside = this.#inside.get(organizationId);
    if (inside === undefined) {
      inside = organizationLineage(this.store, organizationId).includes(this.organizationId);
      this.#inside.set(organizationId, inside);
    }
    return inside;
  }

  /** Whether a stored resource is visible through this base (read and search). */
  canRead(resource: JsonObject): boolean {
    const owner = tenantOrganizationOf(resource);
    const mode = resourceModeOf(resource);
    if (owner === undefined) return mode === 'system-shared';
    if (this.contains(owner)) return true;
    // A shared resource is visible from the descendants of its organization, i.e. its owner is our ancestor.
    return mode === 'shared' && this.#lineage.has(owner);
  }

  /** Whether a stored resource may be updated, patched or deleted through this base. */
  canWrite(resource: JsonObject): boolean {
    return this.owns(resource);
  }

  /**
   * Whether a stored resource belongs to this organization or a descendant: not one shared from an ancestor, nor a
   * system-shared one. What a bulk export through this base holds (`export-selection.ts`).
   */
  owns(resource: JsonObject): boolean {
    const owner = tenantOrganizationOf(resource);
    return owner !== undefined && this.contains(owner);
  }

  /**
   * A resource about to be written through this base, bound as it is to be stored: to the organization its body
   * names when that is this one or a descendant (403 otherwise), else to its previous organization, else to this one.
   * The binding is written in FHIR format, as the FHIR API shows it.
   */
  bind(resource: JsonObject, previous: JsonObject | undefined): JsonObject {
    const meta = resource.meta ?? {};
    // A malformed meta is left alone for validation to report (422).
    if (!isJsonObject(meta) || (meta.extension !== undefined && !Array.isArray(meta.extension))) return resource;
    if (resourceModeOf(resource) === 'system-shared') {
      throw new OutcomeError(
        422,
        'invalid',
        'A system-shared resource has no organization: create it through the root FHIR API (/fhir)',
      );
    }
    const requested = tenantOrganizationOf(resource);
    if (requested !== undefined && !this.contains(requested)) {
      throw new OutcomeError(
        403,
        'forbidden',
        `Access denied: Organization/${requested} is not Organization/${this.organizationId} or one of its descendants`,
      );
    }
    const owner = requested ?? (previous ? tenantOrganizationOf(previous) : undefined) ?? this.organizationId;
    const others = ((meta.extension as unknown[] | undefined) ?? []).filter(
      (extension) => !(isJsonObject(extension) && extension.url === TENANT_ORGANIZATION_EXTENSION),
    );
    const binding = { url: TENANT_ORGANIZATION_EXTENSION, valueReference: { reference: `Organization/${owner}` } };
    return { ...resource, meta: { ...meta, extension: [binding, ...others] } };
  }
}
