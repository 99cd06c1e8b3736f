import type { BackendService } from '@payerbox/api-client';

type AuthMethod = BackendService['authMethod'];

/** The product's short names of the authentication methods (tables, the timeline). */
export const AUTH_METHOD_LABELS: Record<AuthMethod, string> = {
  jwks_uri: 'JWKS URI',
  client_secret: 'Client secret',
};

/** The names a service's page gives them: there a JWKS URI also names the client authentication it means. */
export const AUTH_METHOD_DETAILS: Record<AuthMethod, string> = {
  jwks_uri: 'JWKS URI (private_key_jwt)',
  client_secret: 'Client secret',
};
