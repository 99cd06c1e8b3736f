// Example bodies of the change-request operations for the OpenAPI document (validated by
// test/openapi-documentation.test.ts).
import type { NamedExample } from '../../openapi/examples.ts';
import { ADMIN_SERVICE_EXAMPLES, EXAMPLE_SERVICE_ID, SERVICE_EXAMPLES } from '../backend-services/examples.ts';
import type { ChangeRequestView } from './schemas.ts';

const OWNER = { id: '0193a5b2-7c1d-7e0f-9a4b-5c6d7e8f9a0b', email: 'dana@partner.example', name: 'Dana Developer' };
const ADMIN = { id: '0193a5b3-1111-7aaa-8bbb-9ccc0ddd1eee', email: 'alex@payer.example', name: 'Alex Admin' };
const APPROVED_SCOPES = SERVICE_EXAMPLES.active.value.scopes;
const PROPOSED_SCOPES = [...APPROVED_SCOPES, 'system/Observation.rs'];

const pending: ChangeRequestView = {
  id: '0193b0a1-2c3d-7e4f-8a5b-6c7d8e9f0a1b',
  serviceId: EXAMPLE_SERVICE_ID,
  status: 'pending',
  changes: [{ field: 'scopes', from: APPROVED_SCOPES, to: PROPOSED_SCOPES }],
  proposed: {
    name: 'Claims sync',
    description: 'Nightly export of claims and coverage for our analytics warehouse',
    authMethod: 'jwks_uri',
    jwksUri: 'https://keys.partner.example/.well-known/jwks.json',
    productionJwksUri: null,
    scopeVersion: 'v2',
    scopes: PROPOSED_SCOPES,
    organizationId: null,
  },
  createdAt: '2026-12-01T10:00:00.000Z',
  createdBy: OWNER,
  decidedAt: null,
  decidedBy: null,
  reason: null,
  note: null,
};

const decided = (overrides: Partial<ChangeRequestView>): ChangeRequestView => ({
  ...pending,
  decidedAt: '2026-12-02T09:30:00.000Z',
  decidedBy: ADMIN,
  ...overrides,
});

export const PROPOSE_EXAMPLES = {
  widen: { summary: 'Add a scope: reviewed by an admin', value: { scopes: PROPOSED_SCOPES } },
  narrow: {
    summary: 'Remove a scope and rename: applied at once',
    value: { name: 'Claims sync (coverage only)', scopes: ['system/Coverage.rs', 'system/Patient.rs'] },
  },
  secret: { summary: 'Switch to a client secret: reviewed', value: { authMethod: 'client_secret' } },
} satisfies Record<string, NamedExample>;

export const PROPOSED_EXAMPLES = {
  pending: { summary: 'A pending request; the sandbox runs the proposed configuration', value: pending },
} satisfies Record<string, NamedExample>;

export const APPLIED_EXAMPLES = {
  applied: {
    summary: 'A narrowing change, applied at once',
    value: {
      ...SERVICE_EXAMPLES.active.value,
      name: 'Claims sync (coverage only)',
      scopes: ['system/Coverage.rs', 'system/Patient.rs'],
      version: 4,
    },
  },
} satisfies Record<string, NamedExample>;

export const CHANGE_REQUEST_EXAMPLES = {
  pending: { summary: 'Waiting for an admin', value: pending },
} satisfies Record<string, NamedExample>;

export const CHANGE_REQUEST_PAGE_EXAMPLES = {
  page: {
    summary: 'Newest first',
    value: {
      items: [pending, decided({ id: '0193a9f0-1b2c-7d3e-8f4a-5b6c7d8e9f0a', status: 'withdrawn', decidedBy: OWNER })],
      nextCursor: null,
    },
  },
} satisfies Record<string, NamedExample>;

export const WITHDRAWN_EXAMPLES = {
  withdrawn: { summary: 'Withdrawn by its owner', value: decided({ status: 'withdrawn', decidedBy: OWNER }) },
} satisfies Record<string, NamedExample>;

export const CHANGE_APPROVED_EXAMPLES = {
  approved: {
    summary: 'Approved: production runs the proposed configuration',
    value: decided({ status: 'approved', note: 'Observation is covered by the amended agreement.' }),
  },
} satisfies Record<string, NamedExample>;

export const CHANGE_REJECTED_EXAMPLES = {
  rejected: {
    summary: 'Rejected: the sandbox is back on the approved configuration',
    value: decided({ status: 'rejected', reason: 'The agreement does not cover Observation.' }),
  },
} satisfies Record<string, NamedExample>;

export const CHANGE_REJECT_EXAMPLES = {
  reason: { summary: 'The developer reads the reason', value: { reason: 'The agreement does not cover Observation.' } },
} satisfies Record<string, NamedExample>;

export const CHANGE_APPROVE_EXAMPLES = {
  note: {
    summary: 'With a note for the developer',
    value: { note: 'Observation is covered by the amended agreement.' },
  },
  none: { summary: 'Without a note', value: {} },
} satisfies Record<string, NamedExample>;

export const REVIEW_QUEUE_EXAMPLES = {
  page: {
    summary: 'A submission and a change request',
    value: {
      items: [
        {
          ...ADMIN_SERVICE_EXAMPLES.underReview.value,
          kind: 'submission',
          queuedAt: '2026-11-03T11:02:44.500Z',
          changeRequest: null,
        },
        {
          ...ADMIN_SERVICE_EXAMPLES.active.value,
          id: '0193a5c1-0000-7d6c-8b7a-695847362515',
          kind: 'change_request',
          queuedAt: pending.createdAt,
          changeRequest: { ...pending, serviceId: '0193a5c1-0000-7d6c-8b7a-695847362515' },
        },
      ],
      nextCursor: null,
    },
  },
} satisfies Record<string, NamedExample>;
