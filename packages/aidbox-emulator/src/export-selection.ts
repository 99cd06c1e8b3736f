/**
 * Which resources a bulk export holds (aidbox-docs `docs/api/bulk-api/export.md`):
 *
 * - system level: "data from the entire FHIR server" and "only for standard FHIR resources, not for custom
 *   resources": every FHIR R4 type the store holds, so never the emulator's Client or AccessPolicy (Aidbox resources,
 *   not FHIR ones);
 * - patient level: "all Patient resources and resources associated with them ... defined by FHIR Patient Compartment";
 * - group level: the same for the Patients a Group lists in `member[].entity`; "The group characteristics themselves
 *   are not exported".
 *
 * The patient compartment is the FHIR R4 one (http://hl7.org/fhir/r4/compartmentdefinition-patient.html) for the
 * sample data's types, by one reference each: Coverage.beneficiary, ExplanationOfBenefit.patient, Claim.patient,
 * Observation.subject, Encounter.subject. Other types are never in a patient- or group-level export here (the
 * emulator's compartment is narrower than FHIR's, never wider).
 *
 * `_type` narrows the types; `_since`/`_until` keep resources with `_since < meta.lastUpdated < _until` (export.md §
 * "Parameters"), and nothing changed after the export's `transactionTime` is included (Bulk Data IG: the response
 * "SHOULD NOT include any resources modified after this instant"). On an organization base the export holds only
 * the resources that organization or one of its descendants owns
 * (`docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md`: a base sees its
 * organization's and its descendants' data); resources shared from an ancestor or system-shared are left out, the
 * fail-safe reading of "an export only ever contains the client's organization's data".
 */

import type { ExportLevel, ExportParameters } from './export-request.ts';
import { isFhirResourceType } from './fhir-resource-types.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import type { OrganizationCompartment } from './orgbac.ts';
import type { ResourceStore } from './resource-store.ts';

/** The reference that puts a resource of each sample type in a patient's compartment. */
export const PATIENT_COMPARTMENT_LINKS: Readonly<Record<string, string>> = {
  Coverage: 'beneficiary',
  ExplanationOfBenefit: 'patient',
  Claim: 'patient',
  Observation: 'subject',
  Encounter: 'subject',
};

export interface ExportScope {
  readonly level: ExportLevel;
  readonly parameters: ExportParameters;
  /** The organization base's compartment; none on the root base. */
  readonly compartment?: OrganizationCompartment | undefined;
  /** Group level: the Patient ids the Group lists. */
  readonly groupMembers?: readonly string[];
  /** The types the caller may export when it did not name them (a smart-app token's scopes); default all. */
  readonly mayExport?: (type: string) => boolean;
}

/** An export's types, and for each a lazy walk over its resources as stored (never to be changed: see `ndjsonLine`). */
export interface ExportPlan {
  readonly types: readonly string[];
  resources(type: string): Iterable<JsonObject>;
}

/**
 * One NDJSON line: the resource as the FHIR API shows it (`FHIR_KIND.view`: no `meta.createdAt`), serialized straight
 * from the stored object rather than from a copy, so that an export of many resources makes one string per resource
 * and no other garbage.
 */
export function ndjsonLine(resource: JsonObject): string {
  const meta = resource.meta;
  const json = JSON.stringify(resource, function (this: unknown, key: string, value: unknown) {
    return this === meta && key === 'createdAt' ? undefined : value;
  });
  return `${json}\n`;
}

export function planExport(store: ResourceStore, scope: ExportScope, transactionTime: number): ExportPlan {
  const { parameters, compartment } = scope;
  const patientLevel = scope.level !== 'system';
  const candidates = parameters.types ?? store.types().filter(isFhirResourceType).sort();
  const types = candidates.filter(
    (type) =>
      (!patientLevel || type === 'Patient' || type in PATIENT_COMPARTMENT_LINKS) &&
      (parameters.types !== undefined || (scope.mayExport?.(type) ?? true)),
  );
  const since = parameters.since ?? Number.NEGATIVE_INFINITY;
  const until = Math.min(parameters.until ?? Number.POSITIVE_INFINITY, transactionTime + 1);
  const inWindow = (resource: JsonObject) => {
    const meta = isJsonObject(resource.meta) ? resource.meta : {};
    const updated = Date.parse(String(meta.lastUpdated));
    return updated > since && updated < until;
  };
  const visible = (resource: JsonObject) => (compartment?.owns(resource) ?? true) && inWindow(resource);
  const patients = patientLevel ? patientIds(store, scope) : undefined;
  const inPatients = (type: string, resource: JsonObject) => {
    if (patients === undefined) return true;
    if (type === 'Patient') return patients.has(String(resource.id));
    const link = PATIENT_COMPARTMENT_LINKS[type];
    const reference = link === undefined ? undefined : resource[link];
    const target = isJsonObject(reference) ? reference.reference : undefined;
    return typeof target === 'string' && patients.has(target.replace(/^Patient\//, '\u0000'));
  };
  return {
    types,
    *resources(type) {
      // The store's list is a snapshot of references: resources written meanwhile do not change the walk.
      for (const stored of store.list(type)) {
        if (visible(stored.resource) && inPatients(type, stored.resource)) yield stored.resource;
      }
    },
  };
}

/**
 * The patients of a patient- or group-level export, keyed both as ids (for Patients) and as `\0<id>` (for
 * references `Patient/<id>`, so that a relative reference never matches a bare id by accident). Membership does not
 * depend on `_since`: a Patient unchanged since then still selects its changed Claims.
 */
function patientIds(store: ResourceStore, scope: ExportScope): ReadonlySet<string> {
  const { compartment, groupMembers, parameters } = scope;
  const asked = parameters.patients && new Set(parameters.patients);
  const members = groupMembers && new Set(groupMembers);
  const ids = new Set<string>();
  for (const stored of store.list('Patient')) {
    const id = String(stored.resource.id);
    if (compartment && !compartment.owns(stored.resource)) continue;
    if ((asked && !asked.has(id)) || (members && !members.has(id))) continue;
    ids.add(id).add(`\u0000${id}`);
  }
  return ids;
}
