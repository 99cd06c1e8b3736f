/**
 * Sample payer data for the sandbox (never PHI): two unrelated health plans, one of which has a regional child
 * organization (`partOf`), each with its own members; each member has a Coverage, a Claim, an ExplanationOfBenefit,
 * an Encounter and an Observation. Two Groups with fixed ids serve group-level bulk export: `group-all-members` (every
 * member) and `group-east-members` (the members of `org-acme-health-east`).
 *
 * With OrgBAC on, every resource that belongs to an organization carries the tenant binding Aidbox writes on
 * resources created through an organization's FHIR base (`meta.extension` `https://aidbox.app/tenant-organization-id`,
 * `docs/access-control/authorization/scoped-api/organization-based-hierarchical-access-control.md`), so that
 * organization-scoped access can be built on this data. Without OrgBAC (a developer sandbox) nothing is bound: the
 * organizations are plain payer data there, as they would be in an Aidbox that has no organization bases.
 * Under OrgBAC `group-east-members` belongs to `org-acme-health-east` (so its parent sees it too), and
 * `group-all-members`, whose members span both plans, is `system-shared` (`https://aidbox.app/tenant-resource-mode`):
 * every organization base may read it, and an export of it through an organization base holds only that
 * organization's members (`export-selection.ts`).
 */
import type { JsonObject } from './json-value.ts';
import { TENANT_ORGANIZATION_EXTENSION, TENANT_RESOURCE_MODE_EXTENSION } from './orgbac.ts';
import type { ResourceStore } from './resource-store.ts';

interface OrganizationSeed {
  readonly id: string;
  readonly name: string;
  readonly npi: string;
  readonly partOf?: string;
}

export interface MemberSeed {
  readonly id: string;
  readonly organization: string;
  /** The plan that pays: the top-level organization of the member's organization. */
  readonly payer: string;
  readonly family: string;
  readonly given: string;
  readonly gender: 'female' | 'male';
  readonly birthDate: string;
  readonly plan: string;
}

const ORGANIZATIONS: readonly OrganizationSeed[] = [
  { id: 'org-acme-health', name: 'Acme Health Plan', npi: '1000000001' },
  { id: 'org-acme-health-east', name: 'Acme Health Plan East', npi: '1000000002', partOf: 'org-acme-health' },
  { id: 'org-beacon-mutual', name: 'Beacon Mutual Insurance', npi: '2000000001' },
];

const MEMBERS: readonly MemberSeed[] = [
  member('test-pt-1', 'org-acme-health', 'Shaw', 'Amy', 'female', '1987-02-20', 'Acme Gold PPO'),
  member('test-pt-2', 'org-acme-health', 'Nguyen', 'Daniel', 'male', '1975-11-03', 'Acme Silver HMO'),
  member('test-pt-3', 'org-acme-health-east', 'Okafor', 'Grace', 'female', '1992-06-14', 'Acme East Bronze'),
  member('test-pt-4', 'org-beacon-mutual', 'Lindqvist', 'Erik', 'male', '1961-09-30', 'Beacon Medicare Advantage'),
  member('test-pt-5', 'org-beacon-mutual', 'Alvarez', 'Sofia', 'female', '2001-01-08', 'Beacon Individual'),
];

/** A member of the sample data; the payer is the top-level organization of `organization`. */
export function member(
  id: string,
  organization: string,
  family: string,
  given: string,
  gender: 'female' | 'male',
  birthDate: string,
  plan: string,
): MemberSeed {
  const payer = organization === 'org-acme-health-east' ? 'org-acme-health' : organization;
  return { id, organization, payer, family, given, gender, birthDate, plan };
}

/**
 * The ids of the sample Groups, for group-level bulk export (`[base]/Group/<id>/$export`): every member, and the
 * members of `org-acme-health-east`. What `pnpm start` passes to the portal as `SANDBOX_SAMPLE_GROUP_IDS`.
 */
export const SAMPLE_GROUP_IDS = ['group-all-members', 'group-east-members'] as const;

export interface SeedOptions {
  /** Whether the emulator runs OrgBAC: only then is the data bound to its organizations. */
  readonly orgbac: boolean;
}

/** Writes the sample data into a store. */
export function loadSeedData(store: ResourceStore, options: SeedOptions): void {
  for (const resource of seedResources(options)) {
    store.put(resource.resourceType as string, resource.id as string, resource);
  }
}

/** The sample resources, freshly built (each emulator gets its own copies). */
export function seedResources(options: SeedOptions): JsonObject[] {
  const resources = [
    ...ORGANIZATIONS.map(organization),
    ...ORGANIZATIONS.filter((o) => !o.partOf).map(practitioner),
    ...MEMBERS.flatMap(memberResources),
    group(SAMPLE_GROUP_IDS[0], 'All members', MEMBERS, { extension: [systemShared] }),
    group(
      SAMPLE_GROUP_IDS[1],
      'Members of Acme Health Plan East',
      MEMBERS.filter((m) => m.organization === 'org-acme-health-east'),
      tenant('org-acme-health-east'),
    ),
  ];
  return options.orgbac ? resources : resources.map(withoutTenantBinding);
}

/** A member's resources: Patient, Coverage, Claim, ExplanationOfBenefit, Encounter and Observation. */
export function memberResources(seed: MemberSeed): JsonObject[] {
  return [patient(seed), coverage(seed), claim(seed), explanationOfBenefit(seed), encounter(seed), observation(seed)];
}

const systemShared = { url: TENANT_RESOURCE_MODE_EXTENSION, valueString: 'system-shared' };

function group(id: string, name: string, members: readonly MemberSeed[], meta: JsonObject): JsonObject {
  return {
    resourceType: 'Group',
    id,
    meta,
    type: 'person',
    actual: true,
    name,
    quantity: members.length,
    member: members.map((m) => ({ entity: { reference: `Patient/${m.id}` } })),
  };
}

/** The resource without the `meta` that only carries its tenant binding (or resource mode). */
export function withoutTenantBinding(resource: JsonObject): JsonObject {
  const { meta: _binding, ...unbound } = resource;
  return unbound;
}

function tenant(organizationId: string): JsonObject {
  return {
    extension: [
      { url: TENANT_ORGANIZATION_EXTENSION, valueReference: { reference: `Organization/${organizationId}` } },
    ],
  };
}

function organization(seed: OrganizationSeed): JsonObject {
  return {
    resourceType: 'Organization',
    id: seed.id,
    ...(seed.partOf ? { meta: tenant(seed.partOf), partOf: { reference: `Organization/${seed.partOf}` } } : {}),
    active: true,
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: seed.npi }],
    type: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'pay', display: 'Payer' }],
      },
    ],
    name: seed.name,
  };
}

function practitioner(seed: OrganizationSeed): JsonObject {
  return {
    resourceType: 'Practitioner',
    id: `${seed.id}-practitioner`,
    meta: tenant(seed.id),
    active: true,
    name: [{ family: 'Rivera', given: ['Jordan'], prefix: ['Dr.'] }],
  };
}

function patient(seed: MemberSeed): JsonObject {
  return {
    resourceType: 'Patient',
    id: seed.id,
    meta: tenant(seed.organization),
    identifier: [{ system: 'https://payerbox.example/member-id', value: `M-${seed.id.toUpperCase()}` }],
    active: true,
    name: [{ use: 'official', family: seed.family, given: [seed.given] }],
    gender: seed.gender,
    birthDate: seed.birthDate,
    managingOrganization: { reference: `Organization/${seed.organization}` },
  };
}

function coverage(seed: MemberSeed): JsonObject {
  return {
    resourceType: 'Coverage',
    id: `cov-${seed.id}`,
    meta: tenant(seed.organization),
    status: 'active',
    subscriberId: `M-${seed.id.toUpperCase()}`,
    subscriber: { reference: `Patient/${seed.id}` },
    beneficiary: { reference: `Patient/${seed.id}` },
    relationship: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }],
    },
    period: { start: '2024-01-01', end: '2026-12-31' },
    payor: [{ reference: `Organization/${seed.payer}` }],
    class: [
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code: 'plan' }] },
        value: seed.plan.replace(/\s+/g, '-').toUpperCase(),
        name: seed.plan,
      },
    ],
  };
}

function explanationOfBenefit(seed: MemberSeed): JsonObject {
  const amount = (value: number) => ({ value, currency: 'USD' });
  return {
    resourceType: 'ExplanationOfBenefit',
    id: `eob-${seed.id}-1`,
    meta: tenant(seed.organization),
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    use: 'claim',
    patient: { reference: `Patient/${seed.id}` },
    created: '2025-03-14T10:00:00Z',
    insurer: { reference: `Organization/${seed.payer}` },
    provider: { reference: `Practitioner/${seed.payer}-practitioner` },
    outcome: 'complete',
    insurance: [{ focal: true, coverage: { reference: `Coverage/cov-${seed.id}` } }],
    item: [
      {
        sequence: 1,
        productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213' }] },
        servicedDate: '2025-03-10',
        net: amount(145),
      },
    ],
    total: [
      {
        category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'submitted' }] },
        amount: amount(145),
      },
      {
        category: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/adjudication', code: 'benefit' }] },
        amount: amount(116),
      },
    ],
    payment: { amount: amount(116), date: '2025-03-28' },
  };
}

function claim(seed: MemberSeed): JsonObject {
  return {
    resourceType: 'Claim',
    id: `claim-${seed.id}-1`,
    meta: tenant(seed.organization),
    status: 'active',
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/claim-type', code: 'professional' }] },
    use: 'claim',
    patient: { reference: `Patient/${seed.id}` },
    created: '2025-03-11T09:00:00Z',
    insurer: { reference: `Organization/${seed.payer}` },
    provider: { reference: `Practitioner/${seed.payer}-practitioner` },
    priority: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }] },
    insurance: [{ sequence: 1, focal: true, coverage: { reference: `Coverage/cov-${seed.id}` } }],
    item: [
      {
        sequence: 1,
        productOrService: { coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213' }] },
        servicedDate: '2025-03-10',
        net: { value: 145, currency: 'USD' },
      },
    ],
    total: { value: 145, currency: 'USD' },
  };
}

function encounter(seed: MemberSeed): JsonObject {
  return {
    resourceType: 'Encounter',
    id: `enc-${seed.id}-1`,
    meta: tenant(seed.organization),
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185349003', display: 'Encounter for check up' }] }],
    subject: { reference: `Patient/${seed.id}` },
    period: { start: '2025-03-10T09:00:00Z', end: '2025-03-10T09:30:00Z' },
    serviceProvider: { reference: `Organization/${seed.payer}` },
  };
}

function observation(seed: MemberSeed): JsonObject {
  return {
    resourceType: 'Observation',
    id: `obs-${seed.id}-a1c`,
    meta: tenant(seed.organization),
    status: 'final',
    category: [
      {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }],
      },
    ],
    code: {
      coding: [{ system: 'http://loinc.org', code: '4548-4', display: 'Hemoglobin A1c/Hemoglobin.total in Blood' }],
    },
    subject: { reference: `Patient/${seed.id}` },
    effectiveDateTime: '2025-02-02T08:30:00Z',
    valueQuantity: { value: 5.4, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  };
}
