import type { CreateBackendService, UpdateBackendService } from '@payerbox/api-client';
import type { ServiceFormValues } from '../components/service-form.tsx';

/** The create request of the form's values (a JWKS URI only with that method; no empty description). */
export function createBody(values: ServiceFormValues): CreateBackendService {
  const description = values.description.trim();
  return {
    name: values.name.trim(),
    authMethod: values.authMethod,
    scopeVersion: values.scopeVersion,
    scopes: values.scopes,
    ...(description && { description }),
    ...(values.authMethod === 'jwks_uri' && { jwksUri: values.jwksUri.trim() }),
    ...(values.authMethod === 'jwks_uri' &&
      values.productionJwksUri.trim() && { productionJwksUri: values.productionJwksUri.trim() }),
    ...(values.organizationId && { organizationId: values.organizationId }),
  };
}

/** The edit request: every field, with null clearing the description or a JWKS URI. */
export function updateBody(values: ServiceFormValues): UpdateBackendService {
  return {
    name: values.name.trim(),
    description: values.description.trim() || null,
    authMethod: values.authMethod,
    jwksUri: values.authMethod === 'jwks_uri' ? values.jwksUri.trim() : null,
    productionJwksUri: values.authMethod === 'jwks_uri' ? values.productionJwksUri.trim() || null : null,
    scopeVersion: values.scopeVersion,
    scopes: values.scopes,
    ...(values.organizationId && { organizationId: values.organizationId }),
  };
}
