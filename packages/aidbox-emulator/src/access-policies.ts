/**
 * AccessPolicy evaluation (`docs/access-control/authorization/access-policies.md`): a policy applies to a request
 * when one of its links names the request's Client (or Operation), or when it has no links at all; the request is
 * allowed when any applicable policy allows it, and denied by default.
 */
import { parseLink } from './access-policy-resource.ts';
import type { JsonObject } from './json-value.ts';
import { ruleAllows } from './policy-engines.ts';

/** The FHIR interactions the emulator serves on every FHIR base, the root one and each organization's. */
export type FhirInteraction = 'read' | 'search' | 'create' | 'update' | 'patch' | 'delete';

/** Interactions the emulator serves on the root base `/fhir` only. */
export type RootOnlyInteraction =
  | 'vread'
  | 'history-instance'
  | 'history-type'
  | 'post-search'
  | 'conditional-update'
  | 'transaction'
  | 'batch';

/**
 * The bulk export requests (`export-routes.ts`): kick-off, status and cancel, served on the root base and on every
 * organization base under the same ids.
 */
export type ExportInteraction = 'export' | 'export-status' | 'export-cancel';

export type RootFhirInteraction = FhirInteraction | RootOnlyInteraction | ExportInteraction;

/**
 * Aidbox's operation ids for the interactions of the root base `/fhir` that its docs name consistently:
 * `FhirRead`, `FhirSearch`, `FhirCreate`, `FhirUpdate`, `FhirPatch` (aidbox-docs
 * `docs/solutions/aidbox-+-fhir-app-portal/getting-started/run-aidbox-+-fhir-portal-locally.md`, the portal's
 * `"$one-of": ["FhirCreate", "FhirSearch", "FhirRead", "FhirUpdate", "FhirPatch"]`), `FhirConditionalUpdate` and
 * `FhirTransaction` (`docs/tutorials/security-access-control-tutorials/accesspolicy-examples.md`), `FhirPostSearch`
 * (payerbox-docs `docs/api-reference/configuration-resources/access-policies.md`, the same in every version).
 */
export const DOCUMENTED_FHIR_OPERATIONS = {
  read: 'FhirRead',
  search: 'FhirSearch',
  'post-search': 'FhirPostSearch',
  create: 'FhirCreate',
  update: 'FhirUpdate',
  'conditional-update': 'FhirConditionalUpdate',
  patch: 'FhirPatch',
  transaction: 'FhirTransaction',
} as const satisfies Partial<Record<RootFhirInteraction, string>>;

type UndocumentedInteraction = Exclude<RootFhirInteraction, keyof typeof DOCUMENTED_FHIR_OPERATIONS>;

/**
 * Operation ids of the root-base interactions Aidbox's docs do not name, or name two ways: delete (`FhirDelete` is
 * written nowhere), vread (`FhirVRead` and `FhirVread` in two versions of payerbox-docs
 * `docs/api-reference/configuration-resources/access-policies.md`), instance and type history
 * (`FhirHistoryInstance` / `FhirHistory`, `FhirHistoryType`, same page) and batch. The emulator answers them under
 * ids that no one would guess unless told otherwise (emulator option `unverifiedOperationIds`), so that a policy
 * betting on a guessed spelling fails in tests instead of on a real Aidbox; policies that must work match these
 * requests by `request-method` and `uri` instead. So are the bulk export requests, whose ids no doc names
 * (aidbox-docs `docs/api/bulk-api/export.md` gives none; Health Samurai's own export policies match by `uri`,
 * payerbox-docs `docs/run-payerbox/provider-directory-pipeline.md`: `"uri": "#^/fhir/\\$export(\\?|$)"`).
 */
export type UnverifiedOperationIds = Readonly<Record<UndocumentedInteraction, string>>;

export const DEFAULT_UNVERIFIED_OPERATION_IDS: UnverifiedOperationIds = {
  delete: 'emulator-unverified-id:delete',
  vread: 'emulator-unverified-id:vread',
  'history-instance': 'emulator-unverified-id:history-instance',
  'history-type': 'emulator-unverified-id:history-type',
  batch: 'emulator-unverified-id:batch',
  export: 'emulator-unverified-id:export',
  'export-status': 'emulator-unverified-id:export-status',
  'export-cancel': 'emulator-unverified-id:export-cancel',
};

export function isExportInteraction(interaction: RootFhirInteraction): interaction is ExportInteraction {
  return interaction === 'export' || interaction === 'export-status' || interaction === 'export-cancel';
}

/** The operation id the emulator gives a root-base interaction. */
export function rootOperationId(interaction: RootFhirInteraction, unverified: UnverifiedOperationIds): string {
  return interaction in DOCUMENTED_FHIR_OPERATIONS
    ? DOCUMENTED_FHIR_OPERATIONS[interaction as keyof typeof DOCUMENTED_FHIR_OPERATIONS]
    : unverified[interaction as UndocumentedInteraction];
}

/**
 * The request as AccessPolicy engines see it (the documented keys; there are no users in the emulator). On an
 * organization base `params` also holds `organization/id`, which the docs' policies compare with the binding of the
 * caller (`docs/tutorials/security-access-control-tutorials/how-to-enable-hierarchical-access-control.md`), and the
 * operation id is the organization base's (`orgbac.ts`).
 */
export interface PolicyRequest {
  readonly 'request-method': string;
  /** The path, without the query string. */
  readonly uri: string;
  /** The raw query string, without `?`; absent when the URL has none. */
  readonly 'query-string'?: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The route's operation; absent where the docs name none (the emulator then sets none). */
  readonly operation?: { readonly id: string };
  /** The parsed request body, "for POST, PUT or PATCH". */
  readonly body?: unknown;
  /** The stored Client resource, as GET /Client/<id> returns it. */
  readonly client: JsonObject;
  /** The access token's claims; absent for HTTP Basic. */
  readonly jwt?: JsonObject;
}

export function policiesAllow(policies: readonly JsonObject[], request: PolicyRequest): boolean {
  return policies.some((policy) => appliesTo(policy, request) && ruleAllows(policy, request));
}

function appliesTo(policy: JsonObject, request: PolicyRequest): boolean {
  const links = Array.isArray(policy.link) ? policy.link : [];
  if (links.length === 0) return true;
  return links.some((entry) => {
    const link = parseLink(entry);
    switch (link?.resourceType) {
      case 'Client':
        return link.id === request.client.id;
      case 'Operation':
        return link.id === request.operation?.id;
      default:
        return false; // User links never apply: the emulator has no users
    }
  });
}
