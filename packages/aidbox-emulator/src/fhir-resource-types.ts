// The FHIR R4 resource type list is shared data (packages/domain keeps it, tested against the specification's
// resource list); the emulator's rules about what to do with a type stay its own.
import { FHIR_R4_RESOURCE_TYPES, isFhirResourceType } from '@payerbox/domain';

export { isFhirResourceType };

/** What `/fhir/<Type>` serves. */
export function fhirResourceTypes(): string[] {
  return [...FHIR_R4_RESOURCE_TYPES];
}
