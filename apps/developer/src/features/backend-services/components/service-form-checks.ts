import { fieldMessage, textLength } from '@payerbox/web-kit';
import type { ServiceFormValues } from './service-form.tsx';

/** The API's limit on a service name (`maxLength` of `Name` in the registration service's schemas). */
export const NAME_MAX = 100;

/**
 * What the browser can tell before sending: the required fields and the name's length, with the sentences the API's
 * own refusals would get, keyed by field like `fieldErrors`.
 */
export function serviceFormErrors(values: ServiceFormValues, organizationsEnabled: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  if (values.name.trim() === '') errors.name = fieldMessage('name', 'required');
  else if (textLength(values.name) > NAME_MAX) errors.name = fieldMessage('name', 'maxLength', NAME_MAX);
  if (values.authMethod === 'jwks_uri') {
    const uri = values.jwksUri.trim();
    if (uri === '') errors.jwksUri = fieldMessage('jwksUri', 'required');
    else if (!/^https?:\/\//.test(uri)) errors.jwksUri = fieldMessage('jwksUri', 'pattern');
    else if (!URL.canParse(uri)) errors.jwksUri = fieldMessage('jwksUri', 'format');
    const production = values.productionJwksUri.trim();
    if (production !== '' && !/^https?:\/\//.test(production)) {
      errors.productionJwksUri = fieldMessage('productionJwksUri', 'pattern');
    } else if (production !== '' && !URL.canParse(production)) {
      errors.productionJwksUri = fieldMessage('productionJwksUri', 'format');
    }
  }
  if (values.scopes.length === 0) errors.scopes = fieldMessage('scopes', 'minItems', 1);
  if (organizationsEnabled && !values.organizationId)
    errors.organizationId = fieldMessage('organizationId', 'required');
  return errors;
}
