/**
 * Synthetic members for benchmarks and load tests of bulk export (emulator option `syntheticPatients`): member `n`
 * is `synthetic-pt-<n>` with the same six resources as a sample member (`memberResources`), so N members make 6N
 * resources. Deterministic (names, genders and birth dates follow from `n`), never PHI, and bound to no organization:
 * they are root-level data, which organization bases do not see.
 */

import type { ResourceStore } from './resource-store.ts';
import { member, memberResources, withoutTenantBinding } from './seed-data.ts';

const FAMILIES = ['Baker', 'Chen', 'Diaz', 'Evans', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jones', 'Kim'];
const GIVEN = ['Alex', 'Blair', 'Casey', 'Drew', 'Emery', 'Finley', 'Gray', 'Harper', 'Indigo', 'Jordan', 'Kai'];
const PLANS = ['Beacon Individual', 'Beacon Medicare Advantage'];

/** Writes `count` synthetic members into a store. */
export function loadSyntheticData(store: ResourceStore, count: number): void {
  for (let n = 1; n <= count; n += 1) {
    const birthYear = 1940 + (n % 65);
    const seed = member(
      `synthetic-pt-${n}`,
      'org-beacon-mutual',
      FAMILIES[n % FAMILIES.length] ?? 'Doe',
      GIVEN[n % GIVEN.length] ?? 'Sam',
      n % 2 === 0 ? 'female' : 'male',
      `${birthYear}-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 28) + 1).padStart(2, '0')}`,
      PLANS[n % PLANS.length] ?? 'Beacon Individual',
    );
    for (const resource of memberResources(seed).map(withoutTenantBinding)) {
      store.put(resource.resourceType as string, resource.id as string, resource);
    }
  }
}
