/**
 * What clients read before they call: the SMART configuration (SMART App Launch 2.2 §2.1 "Conformance"), served at
 * the server root as Aidbox documents it and also under the FHIR base as SMART expects it
 * (`<fhir base>/.well-known/smart-configuration`); the token signing keys; the CapabilityStatement at
 * `/fhir/metadata` (FHIR R4 §3.1.0.13 "capabilities", public); and `GET /health`.
 */
import type { FastifyInstance } from 'fastify';
import { ASSERTION_ALGORITHMS } from './client-assertion.ts';
import { type EmulatorContext, tokenUrl } from './emulator-context.ts';
import { fhirResourceTypes } from './fhir-resource-types.ts';
import { searchParamsOf } from './fhir-search.ts';

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
  app.get('/fhir/.well-known/smart-configuration', smartConfiguration);
  app.get('/.well-known/jwks.json', async () => context.signer.jwks);
  app.get('/fhir/metadata', async (_request, reply) =>
    reply.type('application/fhir+json').send(capabilityStatement(context)),
  );
}

function smartConfigurationOf(context: EmulatorContext) {
  return {
    issuer: context.baseUrl,
    jwks_uri: `${context.baseUrl}/.well-known/jwks.json`,
    token_endpoint: tokenUrl(context),
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    scopes_supported: ['system/*.read', 'system/*.write', 'system/*.*', 'system/*.cruds', 'system/*.rs'],
    capabilities: ['client-confidential-asymmetric', 'client-confidential-symmetric', 'permission-v1', 'permission-v2'],
  };
}

function capabilityStatement(context: EmulatorContext) {
  const interactions = ['read', 'search-type', 'create', 'update', 'patch', 'delete'].map((code) => ({ code }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STARTED_AT,
    kind: 'instance',
    software: { name: 'Aidbox emulator' },
    implementation: { description: `Aidbox emulator (${context.name})`, url: `${context.baseUrl}/fhir` },
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
