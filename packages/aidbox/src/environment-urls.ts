/** The environment constants a developer needs to call one Aidbox environment (design.md, "Aidbox mapping"). */
export interface EnvironmentUrls {
  /** `<base>/fhir`, or the organization's base `<base>/Organization/<id>/fhir` under OrgBAC. */
  readonly fhirBaseUrl: string;
  /**
   * `<base>/.well-known/smart-configuration`: where Aidbox documents it, at the server root, for every FHIR base
   * (HealthSamurai/aidbox-docs `docs/solutions/providers-or-onc-health-it-certification-program/
   * g-10-standardized-api-for-patient-and-population-services/README.md`; the smartbox migration guide: "Authentication
   * endpoints are now at root level"). SMART App Launch 2.2 §2.1 puts discovery under the FHIR base, which Aidbox does
   * not document: `pnpm aidbox:check` records whether a real Aidbox serves it there too.
   */
  readonly smartConfigurationUrl: string;
  /** `<base>/auth/token`: one token endpoint per server, with or without OrgBAC. */
  readonly tokenUrl: string;
  /** `<fhir base>/metadata`. */
  readonly capabilityStatementUrl: string;
}

/**
 * The URLs shown to developers for the Aidbox at `publicBaseUrl` (trailing slashes ignored), optionally scoped to
 * an OrgBAC organization.
 */
export function environmentUrls(publicBaseUrl: string, organizationId?: string | null): EnvironmentUrls {
  const base = publicBaseUrl.replace(/\/+$/, '');
  // The id is a path segment; encoding keeps an odd id from escaping into another path.
  const fhirBaseUrl = organizationId
    ? `${base}/Organization/${encodeURIComponent(organizationId)}/fhir`
    : `${base}/fhir`;
  return {
    fhirBaseUrl,
    smartConfigurationUrl: `${base}/.well-known/smart-configuration`,
    tokenUrl: `${base}/auth/token`,
    capabilityStatementUrl: `${fhirBaseUrl}/metadata`,
  };
}

/**
 * The bulk export endpoints under one FHIR base (aidbox-docs `docs/api/bulk-api/export.md`: `GET /fhir/$export`,
 * `/fhir/Patient/$export`, `/fhir/Group/<group-id>/$export`, status and cancel at `/fhir/$export-status/<id>`). Under
 * OrgBAC the same below the organization's base: aidbox-docs `docs/access-control/authorization/scoped-api/
 * organization-based-hierarchical-access-control.md` documents system and group level and the status there, and is
 * silent on patient level (infra/aidbox/NOTES.md, "Open questions (bulk export: portal)"). `{id}` in a template
 * stands for a Group id or an export's id.
 */
export interface BulkExportUrls {
  /** System level: every resource of the requested types. */
  readonly systemUrl: string;
  /** Patient level: Patients and their compartments. */
  readonly patientUrl: string;
  /** Group level, `{id}` a Group id: that Group's members and their compartments. */
  readonly groupUrlTemplate: string;
  /** Where an export's status is polled (and `DELETE` cancels it); kick-off answers with it in `Content-Location`. */
  readonly statusUrlTemplate: string;
}

/** The bulk export endpoints under `fhirBaseUrl` (an {@link EnvironmentUrls.fhirBaseUrl}). */
export function bulkExportUrls(fhirBaseUrl: string): BulkExportUrls {
  return {
    systemUrl: `${fhirBaseUrl}/$export`,
    patientUrl: `${fhirBaseUrl}/Patient/$export`,
    groupUrlTemplate: `${fhirBaseUrl}/Group/{id}/$export`,
    statusUrlTemplate: `${fhirBaseUrl}/$export-status/{id}`,
  };
}
