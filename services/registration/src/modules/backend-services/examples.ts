// Example bodies for the OpenAPI document. Built with the same rules the API answers with (available actions,
// environment constants), and validated against their schemas by test/openapi-documentation.test.ts.
import { environmentUrls } from '@payerbox/aidbox';
import { type Actor, availableActions, bulkExportGrant, type ServiceStatus } from '@payerbox/domain';
import type { NamedExample } from '../../openapi/examples.ts';
import { bulkExportConstants } from './representation.ts';
import type { BackendService, ServiceEventView } from './schemas.ts';

const SANDBOX = 'https://sandbox.payer.example';
const PRODUCTION = 'https://fhir.payer.example';
const OWNER = { id: '0193a5b2-7c1d-7e0f-9a4b-5c6d7e8f9a0b', email: 'dana@partner.example', name: 'Dana Developer' };
const ADMIN = { id: '0193a5b3-1111-7aaa-8bbb-9ccc0ddd1eee', email: 'alex@payer.example', name: 'Alex Admin' };
export const EXAMPLE_SERVICE_ID = '0193a5c0-4f5e-7d6c-8b7a-695847362514';
const CLIENT_ID = 'bs-4f1c2a9e8d7b6c5a4f3e2d1c0b9a8f7e';
const SCOPES = ['system/Claim.rs', 'system/Coverage.rs', 'system/ExplanationOfBenefit.rs', 'system/Patient.rs'];
/** The Groups of the development sandbox's sample data (`SANDBOX_SAMPLE_GROUP_IDS` of `pnpm start`). */
const SAMPLE_GROUP_IDS = ['group-all-members', 'group-east-members'];

function environment(base: string, state: 'pending' | 'ready' | 'disabled', at: string) {
  const urls = environmentUrls(base);
  const sampleGroupIds = base === SANDBOX ? SAMPLE_GROUP_IDS : [];
  const bulkExport = bulkExportConstants(urls.fhirBaseUrl, bulkExportGrant(SCOPES, 'v2'), sampleGroupIds);
  return { state, clientId: CLIENT_ID, error: null, updatedAt: at, ...urls, bulkExport };
}

/** A service in `status`, as `viewer` sees it. */
function service(status: ServiceStatus, viewer: Actor, overrides: Partial<BackendService> = {}): BackendService {
  const reviewed = status === 'active' || status === 'rejected';
  return {
    id: EXAMPLE_SERVICE_ID,
    clientId: CLIENT_ID,
    name: 'Claims sync',
    description: 'Nightly export of claims and coverage for our analytics warehouse',
    authMethod: 'jwks_uri',
    jwksUri: 'https://keys.partner.example/.well-known/jwks.json',
    productionJwksUri: null,
    scopeVersion: 'v2',
    scopes: SCOPES,
    organizationId: null,
    organization: null,
    status,
    version: status === 'draft' ? 1 : 3,
    owner: OWNER,
    createdAt: '2026-11-02T09:14:05.120Z',
    updatedAt: reviewed ? '2026-11-04T16:30:00.000Z' : '2026-11-03T11:02:44.500Z',
    submittedAt: status === 'draft' ? null : '2026-11-03T11:02:44.500Z',
    reviewedAt: reviewed ? '2026-11-04T16:30:00.000Z' : null,
    reviewNote: status === 'active' ? 'Scopes match the data sharing agreement.' : null,
    rejectionReason: status === 'rejected' ? 'The data sharing agreement does not cover Claim.' : null,
    returnReason: null,
    deletedAt: null,
    environments: {
      sandbox: environment(SANDBOX, status === 'rejected' ? 'disabled' : 'ready', '2026-11-02T09:14:05.410Z'),
      production: status === 'active' ? environment(PRODUCTION, 'ready', '2026-11-04T16:30:01.020Z') : null,
    },
    availableActions: availableActions(status, viewer, 'jwks_uri'),
    productionSecret: null,
    ...overrides,
  };
}

export const SERVICE_EXAMPLES = {
  draft: { summary: 'A draft, provisioned in the sandbox', value: service('draft', 'owner') },
  underReview: { summary: 'Submitted for review', value: service('under_review', 'owner') },
  active: { summary: 'Approved: live in production', value: service('active', 'owner') },
} satisfies Record<string, NamedExample>;

export const ADMIN_SERVICE_EXAMPLES = {
  underReview: { summary: 'A service waiting for review', value: service('under_review', 'admin') },
  active: { summary: 'Approved', value: service('active', 'admin') },
} satisfies Record<string, NamedExample>;

const secretService = service('draft', 'owner', {
  authMethod: 'client_secret',
  jwksUri: null,
  availableActions: availableActions('draft', 'owner', 'client_secret'),
  environments: { sandbox: environment(SANDBOX, 'pending', '2026-11-02T09:14:05.120Z'), production: null },
});

export const CREATED_EXAMPLES = {
  jwks: {
    summary: 'Registered with a JWKS URI; the sandbox client is being provisioned',
    value: {
      ...service('draft', 'owner'),
      environments: { sandbox: environment(SANDBOX, 'pending', '2026-11-02T09:14:05.120Z'), production: null },
    },
  },
  secret: {
    summary: 'Registered with a client secret, shown only in this response',
    value: { ...secretService, clientSecret: 'pbx_cs_Q2xhaW1zIHN5bmMgZXhhbXBsZSBzZWNyZXQgdmFsdWUgMDE' },
  },
} satisfies Record<string, NamedExample>;

export const CREATE_EXAMPLES = {
  jwks: {
    summary: 'SMART Backend Services: private_key_jwt with a JWKS URI',
    value: {
      name: 'Claims sync',
      description: 'Nightly export of claims and coverage for our analytics warehouse',
      authMethod: 'jwks_uri',
      jwksUri: 'https://keys.partner.example/.well-known/jwks.json',
      scopeVersion: 'v2',
      scopes: ['system/Claim.rs', 'system/Coverage.rs', 'system/ExplanationOfBenefit.rs', 'system/Patient.rs'],
    },
  },
  secret: {
    summary: 'A portal-generated client secret, SMART v1 scopes',
    value: { name: 'Eligibility checker', authMethod: 'client_secret', scopeVersion: 'v1', scopes: ['system/*.read'] },
  },
} satisfies Record<string, NamedExample>;

export const UPDATE_EXAMPLES = {
  description: { summary: 'Change the description only', value: { description: 'Claims and coverage, nightly' } },
  scopes: {
    summary: 'Replace the scopes',
    value: { scopes: ['system/Coverage.rs', 'system/ExplanationOfBenefit.rs', 'system/Patient.rs'] },
  },
} satisfies Record<string, NamedExample>;

export const PAGE_EXAMPLES = {
  page: {
    summary: 'The first page of two',
    value: { items: [service('active', 'owner')], nextCursor: 'MDE5M2E1YzAtNGY1ZS03ZDZjLThiN2EtNjk1ODQ3MzYyNTE0' },
  },
  empty: { summary: 'Nothing registered yet', value: { items: [], nextCursor: null } },
} satisfies Record<string, NamedExample>;

export const ADMIN_PAGE_EXAMPLES = {
  page: { summary: 'One page', value: { items: [service('under_review', 'admin')], nextCursor: null } },
} satisfies Record<string, NamedExample>;

export const ISSUED_SECRET_EXAMPLES = {
  sandbox: {
    summary: 'A new sandbox secret; the old one stops working once the provisioner has applied it',
    value: { clientSecret: 'pbx_cs_TmV3IHNlY3JldCBhZnRlciByb3RhdGlvbiBleGFtcGxlIHZhbHVlIDAy', environment: 'sandbox' },
  },
  production: {
    summary: 'A new production secret: pending until the switch (a cutover), or at once with immediate',
    value: {
      clientSecret: 'pbx_cs_UHJvZHVjdGlvbiBjdXRvdmVyIGV4YW1wbGUgc2VjcmV0IHZhbHVlIDAz',
      environment: 'production',
    },
  },
} satisfies Record<string, NamedExample>;

export const PRODUCTION_SECRET_EXAMPLES = {
  retrieved: {
    summary: 'The production secret issued at approval, shown this once',
    value: {
      clientSecret: 'pbx_cs_UHJvZHVjdGlvbiBzZWNyZXQgYWZ0ZXIgYXBwcm92YWwgZXhhbXBsZSAwNA',
      environment: 'production',
    },
  },
} satisfies Record<string, NamedExample>;

export const ROTATE_SECRET_EXAMPLES = {
  sandbox: { summary: 'Replace the sandbox secret at once', value: { environment: 'sandbox' } },
  cutover: {
    summary: 'Rotate the production secret without an outage (confirm the switch when your clients are ready)',
    value: { environment: 'production' },
  },
  emergency: {
    summary: 'Emergency: cut the old production secret at once',
    value: { environment: 'production', immediate: true },
  },
} satisfies Record<string, NamedExample>;

/** An active client_secret service whose production secret rotation waits for its switch. */
export const CUTOVER_EXAMPLES = {
  switched: {
    summary: 'Switched: the provisioner is writing the new secret into production',
    value: service('active', 'owner', {
      authMethod: 'client_secret',
      jwksUri: null,
      availableActions: availableActions('active', 'owner', 'client_secret'),
      productionSecret: {
        issuedAt: '2026-11-20T10:00:00.000Z',
        retrievable: false,
        cutover: {
          state: 'applying',
          startedAt: '2026-11-20T10:00:00.000Z',
          deadline: '2026-11-27T10:00:00.000Z',
          switchedAt: '2026-11-21T08:30:00.000Z',
          switchedBy: 'owner',
          appliedAt: null,
        },
      },
    }),
  },
} satisfies Record<string, NamedExample>;

const events: ServiceEventView[] = [
  {
    id: '1042',
    serviceId: EXAMPLE_SERVICE_ID,
    serviceName: 'Claims sync',
    actor: ADMIN,
    action: 'approve',
    fromStatus: 'under_review',
    toStatus: 'active',
    serviceStatus: 'active',
    detail: { note: 'Scopes match the data sharing agreement.' },
    createdAt: '2026-11-04T16:30:00.000Z',
  },
  {
    id: '1017',
    serviceId: EXAMPLE_SERVICE_ID,
    serviceName: 'Claims sync',
    actor: OWNER,
    action: 'edit',
    fromStatus: null,
    toStatus: null,
    serviceStatus: 'draft',
    detail: {
      changed: ['description'],
      changes: { description: { from: null, to: 'Nightly export of claims and coverage for our analytics warehouse' } },
    },
    createdAt: '2026-11-02T10:01:12.000Z',
  },
];

export const EVENT_PAGE_EXAMPLES = {
  page: { summary: 'Newest first', value: { items: events, nextCursor: 'MTAxNw' } },
} satisfies Record<string, NamedExample>;

export const APPROVE_EXAMPLES = {
  note: { summary: 'With a note for the developer', value: { note: 'Scopes match the data sharing agreement.' } },
  none: { summary: 'Without a note', value: {} },
} satisfies Record<string, NamedExample>;

export const REJECT_EXAMPLES = {
  reason: {
    summary: 'The developer reads the reason',
    value: { reason: 'The data sharing agreement does not cover Claim.' },
  },
} satisfies Record<string, NamedExample>;

export const DEACTIVATE_EXAMPLES = {
  reason: {
    summary: 'The developer reads the reason',
    value: { reason: 'The partner contract ended on 30 November.' },
  },
} satisfies Record<string, NamedExample>;

export const DECIDED_EXAMPLES = {
  approved: { summary: 'Approved: status active, production being provisioned', value: service('active', 'admin') },
} satisfies Record<string, NamedExample>;

export const REJECTED_EXAMPLES = {
  rejected: { summary: 'Rejected: the sandbox client is disabled', value: service('rejected', 'admin') },
} satisfies Record<string, NamedExample>;

export const RETURN_EXAMPLES = {
  reason: {
    summary: 'What the developer should change before submitting again',
    value: { reason: 'Narrow system/Claim.rs to the claim types the agreement covers, then submit again.' },
  },
} satisfies Record<string, NamedExample>;

export const RETURNED_EXAMPLES = {
  returned: {
    summary: 'Returned for changes: an editable draft again, with the reason',
    value: service('draft', 'admin', {
      version: 4,
      submittedAt: null,
      reviewedAt: '2026-11-04T16:30:00.000Z',
      returnReason: 'Narrow system/Claim.rs to the claim types the agreement covers, then submit again.',
    }),
  },
} satisfies Record<string, NamedExample>;

export const RETIRE_EXAMPLES = {
  reason: { summary: 'With a reason', value: { reason: 'We moved the nightly sync to our new platform.' } },
  none: { summary: 'Without a reason', value: {} },
} satisfies Record<string, NamedExample>;

export const RETIRED_EXAMPLES = {
  retired: {
    summary: 'Retired: production and sandbox clients are being disabled',
    value: service('rejected', 'owner', {
      version: 4,
      rejectionReason: 'We moved the nightly sync to our new platform.',
      environments: {
        sandbox: environment(SANDBOX, 'pending', '2026-11-20T08:00:00.000Z'),
        production: environment(PRODUCTION, 'pending', '2026-11-20T08:00:00.000Z'),
      },
    }),
  },
} satisfies Record<string, NamedExample>;

const COPY_CLIENT_ID = 'bs-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b';

export const COPIED_EXAMPLES = {
  secret: {
    summary: "A new draft with the rejected service's configuration; a client-secret copy's new secret, shown once",
    value: {
      ...secretService,
      id: '0193a5d1-2b3c-7d4e-8f5a-6b7c8d9e0f1a',
      clientId: COPY_CLIENT_ID,
      environments: {
        sandbox: { ...environment(SANDBOX, 'pending', '2026-11-22T09:00:00.000Z'), clientId: COPY_CLIENT_ID },
        production: null,
      },
      clientSecret: 'pbx_cs_Q29weSBvZiBhIHJlamVjdGVkIHNlcnZpY2UgZXhhbXBsZSAwMw',
    },
  },
} satisfies Record<string, NamedExample>;

export const REMOVED_EXAMPLES = {
  removed: {
    summary: 'A rejected service its owner removed from the dashboard, as admins still see it',
    value: service('rejected', 'admin', { version: 4, deletedAt: '2026-11-21T10:00:00.000Z' }),
  },
} satisfies Record<string, NamedExample>;
