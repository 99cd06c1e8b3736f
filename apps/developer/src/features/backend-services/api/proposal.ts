import type { BackendService, ProposeChange } from '@payerbox/api-client';
import {
  type ChangedField,
  changedFields,
  classifyProposal,
  configurationOf,
  normaliseScopes,
  type ServiceConfiguration,
} from '@payerbox/domain';
import type { ServiceFormValues } from '../components/service-form.tsx';

/** A change proposed from the form: what it changes, whether it applies at once, and the request that sends it. */
export interface Proposal {
  readonly changes: ChangedField[];
  /** Only narrowing (name, description, fewer scopes or permissions): the API applies it without review. */
  readonly appliesAtOnce: boolean;
  readonly body: ProposeChange;
}

/**
 * The form's values against the approved configuration, classified by the same domain rule the API applies; the body
 * sends only the changed fields (an unchanged JWKS URI is not checked again).
 */
export function proposalOf(service: BackendService, values: ServiceFormValues): Proposal {
  const proposed: ServiceConfiguration = {
    name: values.name.trim(),
    description: values.description.trim() || null,
    authMethod: values.authMethod,
    jwksUri: values.authMethod === 'jwks_uri' ? values.jwksUri.trim() : null,
    productionJwksUri: values.authMethod === 'jwks_uri' ? values.productionJwksUri.trim() || null : null,
    scopeVersion: values.scopeVersion,
    scopes: normaliseScopes(values.scopes),
    organizationId: values.organizationId ?? service.organizationId,
  };
  const { changes, appliesAtOnce } = classifyProposal(configurationOf(service), proposed);
  const body = Object.fromEntries(changes.changed.map((field) => [field, proposed[field]])) as ProposeChange;
  return { changes: changedFields(changes), appliesAtOnce, body };
}
