import { validateScopes } from '@payerbox/domain';
import { type FieldError, problems } from '../../errors.ts';

export interface Configuration {
  authMethod: 'jwks_uri' | 'client_secret';
  jwksUri: string | null;
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
  const scopes = validateScopes(config.scopes, config.scopeVersion);
  if (!scopes.ok) {
    for (const problem of scopes.problems)
      errors.push({ path: `/body/scopes/${problem.index}`, message: problem.message });
  }
  if (errors.length > 0 || !scopes.ok) throw problems.validation(errors, 'The service configuration is not valid.');
  return scopes.scopes;
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
