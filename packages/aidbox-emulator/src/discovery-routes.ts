/**
 * What clients read before they call: the SMART configuration (SMART App Launch 2.2 §2.1 "Conformance"), served at
 * the server root only, which is where Aidbox documents it (`docs/solutions/providers-or-onc-health-it-certification-
 * program/g-10-standardized-api-for-patient-and-population-services/README.md`; the smartbox migration guide:
 * "Authentication endpoints are now at root level"): not under `/fhir` nor an organization base, which the docs never
 * show, so nothing of ours may rely on them (`pnpm aidbox:check` records whether a real Aidbox serves them); the token
 * signing keys; the CapabilityStatement at `/fhir/metadata` (FHIR R4 §3.1.0.13 "capabilities", public); and
 * `GET /health`.
 *
 * With OrgBAC on, every organization base (`/Organization/<id>/fhir`) has its own `metadata`
 * (`docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md` § Metadata). An
 * organization that does not exist answers 404.
 */
import type { FastifyInstance } from 'fastify';
import { type EmulatorContext, tokenUrl } from './emulator-context.ts';
import { fhirResourceTypes } from './fhir-resource-types.ts';
import { searchParamsOf } from './fhir-search.ts';
import { requireOrganization } from './orgbac.ts';

interface OrganizationParams {
  org: string;
}

const STARTED_AT = new Date().toISOString();

export function registerDiscoveryRoutes(app: FastifyInstance, context: EmulatorContext): void {
  const started = Date.now();
  app.get('/health', async () => ({
    status: 'pass',
    name: context.name,
    service: 'aidbox-emulator',
    uptimeSeconds: Math.floor((Date.now() - started) / 1000),
  }));
  const smartConfiguration = async () => smartConfigurationOf(context);
  app.get('/.well-known/smart-configuration', smartConfiguration);
  app.get('/.well-known/jwks.json', async () => context.signer.jwks);
  app.get('/fhir/metadata', async (_request, reply) =>
    reply.type('application/fhir+json').send(capabilityStatement(context, `${context.baseUrl}/fhir`)),
  );
  // Without OrgBAC there are no organization bases (404), as in a developer sandbox.
  if (!context.orgbac) return;
  app.get<{ Params: OrganizationParams }>('/Organization/:org/fhir/metadata', async (request, reply) => {
    const { org } = request.params;
    requireOrganization(context.store, org);
    const statement = capabilityStatement(context, `${context.baseUrl}/Organization/${org}/fhir`);
    return reply.type('application/fhir+json').send(statement);
  });
}

function smartConfigurationOf(context: EmulatorContext) {
  return {
    issuer: context.baseUrl,
    jwks_uri: `${context.baseUrl}/.well-known/jwks.json`,
    token_endpoint: tokenUrl(context),
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    // What the token endpoint accepts, no more (AD g-10 README example: ["RS384"]; PB authentication.md: RS384, ES384).
    token_endpoint_auth_signing_alg_values_supported: [...context.assertions.algorithms],
    scopes_supported: ['system/*.read', 'system/*.write', 'system/*.*', 'system/*.cruds', 'system/*.rs'],
    capabilities: ['client-confidential-asymmetric', 'client-confidential-symmetric', 'permission-v1', 'permission-v2'],
  };
}

/** The CapabilityStatement of the FHIR base at `baseUrl`. */
function capabilityStatement(context: EmulatorContext, baseUrl: string) {
  const interactions = ['read', 'search-type', 'create', 'update', 'patch', 'delete'].map((code) => ({ code }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STARTED_AT,
    kind: 'instance',
    software: { name: 'Aidbox emulator' },
    implementation: { description: `Aidbox emulator (${context.name})`, url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    patchFormat: ['application/merge-patch+json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' },
              ],
            },
          ],
          // SMART App Launch 2.2 §2.1.1: the OAuth endpoints, also announced in the CapabilityStatement.
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: tokenUrl(context) }],
            },
          ],
        },
        resource: fhirResourceTypes().map((type) => ({
          type,
          interaction: interactions,
          searchParam: searchParamsOf(type),
        })),
      },
    ],
  };
}
