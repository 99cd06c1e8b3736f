/**
 * The sandbox init bundle (`infra/aidbox/init-bundle.sandbox.json.tpl`) gives a real sandbox Aidbox the emulator's
 * sample payer data, so that what a developer tries locally (the Patients, the Groups a group-level export names)
 * exists in the compose sandbox too. The bundle's first entries are the portal's clients and policies; every entry
 * after them is a PUT of one sample resource, bound to its organization as under OrgBAC (a box without OrgBAC keeps
 * the binding as plain meta).
 */
import type { JsonObject } from './json-value.ts';
import { seedResources } from './seed-data.ts';

interface BundleEntry {
  readonly request: { readonly method: string; readonly url: string };
  readonly resource?: JsonObject;
}

/** Aidbox's own resource types in the bundle: the portal's part, which the sample data never touches. */
const PORTAL_TYPES = new Set(['Client', 'AccessPolicy']);

function isPortalEntry(entry: BundleEntry): boolean {
  return entry.resource === undefined || PORTAL_TYPES.has(String(entry.resource.resourceType));
}

/** The PUT entries of the sample data, in the order the emulator loads it. */
export function sampleDataEntries(): BundleEntry[] {
  return seedResources({ orgbac: true }).map((resource) => ({
    request: { method: 'PUT', url: `/${resource.resourceType}/${resource.id}` },
    resource,
  }));
}

/** The bundle's sample data entries (everything after the portal's part). */
export function bundledSampleData(bundle: { entry: BundleEntry[] }): BundleEntry[] {
  return bundle.entry.filter((entry) => !isPortalEntry(entry));
}

/** The bundle with its sample data replaced by the emulator's current one. */
export function withSampleData(bundle: { entry: BundleEntry[] }): { entry: BundleEntry[] } {
  return { ...bundle, entry: [...bundle.entry.filter(isPortalEntry), ...sampleDataEntries()] };
}
