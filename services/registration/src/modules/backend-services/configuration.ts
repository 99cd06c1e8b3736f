import { type ServiceConfiguration, validateScopes } from '@payerbox/domain';
import { type FieldError, problems } from '../../errors.ts';
import type { UpdateBackendService } from './schemas.ts';

export interface Configuration {
  authMethod: 'jwks_uri' | 'client_secret';
  jwksUri: string | null;
  productionJwksUri: string | null;
  scopeVersion: 'v1' | 'v2';
  scopes: readonly string[];
}

/**
 * Rules across fields that a schema cannot say; returns the normalised scopes. `otherErrors` (found by the caller in
 * fields this function does not know) are reported together with its own.
 */
export function checkConfiguration(config: Configuration, otherErrors: readonly FieldError[] = []): string[] {
  const errors: FieldError[] = [...otherErrors];
  if (config.authMethod === 'jwks_uri' && !config.jwksUri) {
    errors.push({ path: '/body/jwksUri', message: 'is required when authMethod is jwks_uri' });
  }
  if (config.authMethod === 'client_secret' && config.jwksUri) {
    errors.push({ path: '/body/jwksUri', message: 'must be absent when authMethod is client_secret' });
  }
  if (config.authMethod === 'client_secret' && config.productionJwksUri) {
    errors.push({
      path: '/body/productionJwksUri',
      message: 'must be absent when authMethod is client_secret: production gets its own client secret instead',
    });
  }
  const scopes = validateScopes(config.scopes, config.scopeVersion);
  if (!scopes.ok) {
    for (const problem of scopes.problems)
      errors.push({ path: `/body/scopes/${problem.index}`, message: problem.message });
  }
  if (errors.length > 0 || !scopes.ok) throw problems.validation(errors, 'The service configuration is not valid.');
  return scopes.scopes;
}

/** A configuration as stored (see {@link ServiceConfiguration}), with scopes the database column takes. */
export type StoredConfiguration = ServiceConfiguration & { readonly scopes: string[] };

/**
 * The configuration an edit asks for, checked and normalised as the service stores it (name trimmed, an empty
 * description as none, scopes normalised): the request's fields over the locked service's (or over an active service's
 * approved configuration, for a change request). Throws a validation
 * problem listing what is wrong, `otherErrors` included (see {@link checkConfiguration}).
 */
export function editedConfiguration(
  locked: ServiceConfiguration,
  input: UpdateBackendService,
  otherErrors: readonly FieldError[] = [],
): StoredConfiguration {
  const authMethod = input.authMethod ?? locked.authMethod;
  // Switching to client_secret drops the key set URLs unless the request says otherwise.
  const keySetUrl = (field: 'jwksUri' | 'productionJwksUri') => {
    const sent = input[field];
    if (sent !== undefined) return sent;
    return authMethod === 'client_secret' ? null : locked[field];
  };
  const jwksUri = keySetUrl('jwksUri');
  const productionJwksUri = keySetUrl('productionJwksUri');
  const scopeVersion = input.scopeVersion ?? locked.scopeVersion;
  const scopes = checkConfiguration(
    { authMethod, jwksUri, productionJwksUri, scopeVersion, scopes: input.scopes ?? locked.scopes },
    otherErrors,
  );
  return {
    name: input.name !== undefined ? input.name.trim() : locked.name,
    // An empty description is none, like null.
    description: input.description !== undefined ? input.description || null : locked.description,
    authMethod,
    jwksUri,
    productionJwksUri,
    scopeVersion,
    scopes,
    organizationId: input.organizationId !== undefined ? input.organizationId : locked.organizationId,
  };
}

/**
 * Whether `organizationId` may be given, as the deployment decides: with OrgBAC a service must belong to an
 * organization (required on create, never removed), without it no organization is asked for and none is accepted.
 * `undefined` is a field the request leaves out; null (edits only) removes the organization.
 */
export function organizationFieldErrors(
  orgbac: boolean,
  organizationId: string | null | undefined,
  operation: 'create' | 'edit',
): FieldError[] {
  const path = '/body/organizationId';
  if (!orgbac) {
    return typeof organizationId === 'string'
      ? [{ path, message: 'must be absent: this deployment does not use organizations (OrgBAC is off)' }]
      : [];
  }
  if (organizationId === undefined && operation === 'create') {
    return [
      { path, message: 'is required: choose the organization the service belongs to (GET /api/v1/organizations)' },
    ];
  }
  if (organizationId === null) {
    return [{ path, message: 'cannot be removed: in this deployment every service belongs to an organization' }];
  }
  return [];
}
