import t from 'tap';
import { describeResourceType, FHIR_R4_RESOURCE_TYPES } from '../src/index.ts';

t.test('every R4 resource type and the wildcard have a one-line description; other names have none', async (t) => {
  const missing = FHIR_R4_RESOURCE_TYPES.filter((type) => !describeResourceType(type)?.trim());
  t.same(missing, [], 'no type without a line');
  const long = FHIR_R4_RESOURCE_TYPES.filter((type) => (describeResourceType(type)?.length ?? 0) > 110);
  t.same(long, [], 'each fits on a line of the scope builder');
  t.match(describeResourceType('*'), /Every resource type/);
  t.equal(describeResourceType('Patients'), undefined, 'a misspelt type is not described');
  t.equal(describeResourceType('toString'), undefined, 'an inherited property name is not a type');
});
