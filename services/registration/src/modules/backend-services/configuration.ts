import { validateScopes } from '@payerbox/domain';
import { type FieldError, problems } from '../../errors.ts';

export interface Configuration {
  authMethod: 'jwks_uri' | 'client_secret';
  jwksUri: string | null;
  scopeVersion: 'v1' | 'v2';
  scopes: readonly string[];
}

/** Rules across fields that a schema cannot say; returns the normalised scopes. */
export function checkConfiguration(config: Configuration): string[] {
  const errors: FieldError[] = [];
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
