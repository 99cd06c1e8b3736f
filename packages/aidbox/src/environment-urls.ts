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
