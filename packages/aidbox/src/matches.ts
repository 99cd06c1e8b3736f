/**
 * Drift detection: does what Aidbox holds still equal what the provisioner would write? Pure, so the periodic
 * resync can decide without writing.
 */
import { TENANT_ORGANIZATION_EXTENSION_URL } from './mapping.ts';
import type { AccessPolicy, AidboxClient, Extension, Meta } from './resources.ts';

/** Fields Aidbox sets on every write; they say nothing about whether the resource drifted. */
const SERVER_MANAGED_META = ['lastUpdated', 'versionId', 'createdAt'] as const;

/**
 * True when `actual` equals `desired` in everything the portal controls. `secret` is ignored because Aidbox stores
 * it hashed and never returns it (so a lost secret is not detectable here; secret rotation re-PUTs anyway), and
 * server-managed `meta` fields are ignored. The OrgBAC binding counts by the organization it names, whichever
 * reference form Aidbox answers with (native `value.Reference` with or without `resourceType`, or FHIR's
 * `valueReference`). Everything else counts, including fields the portal never writes: an extra `grant_types` entry
 * or `jwks_uri` added by hand is drift worth repairing.
 */
export function clientMatches(desired: AidboxClient, actual: AidboxClient | undefined): boolean {
  if (!actual) return false;
  const { secret: _desiredSecret, ...wanted } = desired;
  const { secret: _actualSecret, ...held } = actual;
  return jsonEqual(comparableClient(wanted), comparableClient(held));
}

function comparableClient(client: Omit<AidboxClient, 'secret'>) {
  const stripped = withoutServerMeta(client);
  const extensions = stripped.meta?.extension;
  if (!extensions) return stripped;
  return { ...stripped, meta: { ...stripped.meta, extension: extensions.map(comparableExtension) } };
}

/** The tenant binding reduced to the organization id it names; other extensions unchanged. */
function comparableExtension(extension: Extension): unknown {
  if (extension.url !== TENANT_ORGANIZATION_EXTENSION_URL) return extension;
  const native = extension.value?.Reference;
  const fhir = /^Organization\/(.+)$/.exec(extension.valueReference?.reference ?? '')?.[1];
  const organizationId =
    native && (native.resourceType === undefined || native.resourceType === 'Organization') ? native.id : fhir;
  // An unreadable binding stays as it is, so it can only match an identical one.
  return organizationId === undefined ? extension : { url: extension.url, organizationId };
}

/** True when `actual` equals `desired` apart from server-managed `meta` fields. */
export function accessPolicyMatches(desired: AccessPolicy, actual: AccessPolicy | undefined): boolean {
  if (!actual) return false;
  return jsonEqual(withoutServerMeta(desired), withoutServerMeta(actual));
}

function withoutServerMeta<T extends { readonly meta?: Meta }>(resource: T): Omit<T, 'meta'> & { meta?: Meta } {
  const { meta, ...rest } = resource;
  if (!meta) return rest;
  const kept: Record<string, unknown> = { ...meta };
  for (const field of SERVER_MANAGED_META) delete kept[field];
  return Object.keys(kept).length === 0 ? rest : { ...rest, meta: kept };
}

/**
 * Structural equality of JSON values: key order does not matter, array order does (Aidbox keeps arrays as
 * written), and a key holding `undefined` counts as absent, as it would after a round trip through JSON.
 */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysOf = (value: object) =>
    Object.entries(value)
      .filter(([, inner]) => inner !== undefined)
      .map(([key]) => key);
  const aKeys = keysOf(a);
  if (aKeys.length !== keysOf(b).length) return false;
  return aKeys.every((key) => jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
