import {
  AUTH_METHODS,
  AVAILABLE_ACTIONS,
  ENVIRONMENTS,
  SCOPE_VERSIONS,
  SECRET_CUTOVER_STATES,
  SECRET_SWITCHED_BY,
  SERVICE_STATUSES,
} from '@payerbox/domain';
import { type Static, Type } from 'typebox';
import { NextCursor, PageQuery } from '../../schemas/common.ts';
import { DateTime, Nullable, Ref, StringEnum, Uuid } from '../../schemas/primitives.ts';
import { JwksUriSchema, keySetUrlSchema } from '../jwks-checks/schemas.ts';
import { ServiceOrganizationSchema } from '../organizations/schemas.ts';
import { UserSummarySchema } from '../users/schemas.ts';

export const ServiceStatusSchema = StringEnum(SERVICE_STATUSES, { $id: 'ServiceStatus' });
export const AuthMethodSchema = StringEnum(AUTH_METHODS, {
  $id: 'AuthMethod',
  description: 'jwks_uri: SMART Backend Services private_key_jwt (ONC (g)(10)); client_secret: portal-generated secret',
});
const ScopeVersion = StringEnum(SCOPE_VERSIONS);

const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' });
const Description = Type.String({ maxLength: 1000 });
const Scopes = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 100,
  description: 'SMART system scopes of scopeVersion, e.g. system/Patient.rs',
});
// FHIR id grammar (R4 "id" datatype).
const OrganizationId = Type.String({
  pattern: '^[A-Za-z0-9\\-.]{1,64}$',
  description:
    'The organization the service belongs to (an id from GET /api/v1/organizations). Required when the deployment ' +
    'uses organizations (OrgBAC), refused otherwise',
});

// The same rules as jwksUri (its schema and the live check), for production's own key set URL.
const ProductionJwksUri = keySetUrlSchema(
  "Production's own key set URL (jwks_uri services only), e.g. separate production keys; leave it out to use " +
    'jwksUri in production too',
);

export const BulkExportSchema = Type.Object(
  {
    systemUrl: Type.String({ description: 'System-level kick-off: GET <fhir base>/$export' }),
    patientUrl: Type.String({ description: 'Patient-level kick-off: GET <fhir base>/Patient/$export' }),
    groupUrlTemplate: Type.String({
      description: 'Group-level kick-off, {id} a Group id: GET <fhir base>/Group/{id}/$export',
    }),
    statusUrlTemplate: Type.String({
      description:
        "An export's status ({id} its id): kick-off answers 202 with this URL in Content-Location; GET polls it " +
        '(202 with Retry-After while running, 200 with the manifest when done), DELETE cancels the export',
    }),
    allTypes: Type.Boolean({
      description:
        'True when a wildcard scope (system/*.rs, system/*.read) lets the client export every type: _type may then ' +
        'be left out or list any types',
    }),
    types: Type.Array(Type.String(), {
      description:
        'The resource types the scopes grant both read and search on (v2 rs, v1 read): unless allTypes, every ' +
        'kick-off must send _type listing only these (comma-separated), or the access policy refuses it',
    }),
    sampleGroupIds: Type.Array(Type.String(), {
      description:
        "Ids of Groups in the sandbox's sample data, to try group-level export with; empty in production and when " +
        'the deployment names none',
    }),
  },
  {
    $id: 'BulkExport',
    description:
      'FHIR Bulk Data export (Accept: application/fhir+json, Prefer: respond-async) for this client in one ' +
      'environment; the URLs are under the same FHIR base as fhirBaseUrl',
  },
);

export const EnvironmentStatusSchema = Type.Object(
  {
    state: StringEnum(['pending', 'ready', 'failed', 'disabled', 'removed'], {
      description:
        'pending: being provisioned; ready: usable; failed: gave up after retries (see error; an admin resync retries); ' +
        'disabled: client switched off; removed: client deleted',
    }),
    clientId: Type.String(),
    error: Nullable(Type.String()),
    updatedAt: DateTime,
    fhirBaseUrl: Type.String({
      description:
        "In production, the organization's FHIR base (<aidbox>/Organization/<organizationId>/fhir) when the service " +
        'has an organization; in the sandbox always <aidbox>/fhir, because the sandbox runs without organizations ' +
        '(OrgBAC) and its client is not bound to one',
    }),
    smartConfigurationUrl: Type.String(),
    tokenUrl: Type.String(),
    capabilityStatementUrl: Type.String(),
    bulkExport: Nullable(Ref(BulkExportSchema), {
      description:
        'How this client bulk exports here; null when its scopes grant read and search (rs, read) on no type, ' +
        'because the access policy then allows no export',
    }),
  },
  { $id: 'EnvironmentStatus', description: 'Provisioning state of the service in one Aidbox environment' },
);

export const SecretCutoverSchema = Type.Object(
  {
    state: StringEnum(SECRET_CUTOVER_STATES, {
      description:
        'pending: the new secret is issued, production still takes the old one (until the switch is confirmed or ' +
        'the deadline passes); applying: switched, the provisioner is writing the new secret into production (the ' +
        'old one may still work for a moment); applied: production takes only the new secret',
    }),
    startedAt: DateTime,
    deadline: Nullable(DateTime, {
      description: 'When the switch happens by itself if not confirmed before; null for an emergency rotation',
    }),
    switchedAt: Nullable(DateTime),
    switchedBy: Nullable(StringEnum(SECRET_SWITCHED_BY), {
      description: 'owner: confirmed; deadline: the deadline passed; emergency: rotated with immediate: true',
    }),
    appliedAt: Nullable(DateTime, { description: "When production's client got the new secret" }),
  },
  { $id: 'SecretCutover', description: 'The latest rotation of the production secret' },
);

export const ProductionSecretSchema = Type.Object(
  {
    issuedAt: DateTime,
    retrievable: Type.Boolean({
      description:
        'True until the owner retrieves it (POST …/production-secret, once); a rotation shows its secret in its own ' +
        'answer',
    }),
    cutover: Nullable(Ref(SecretCutoverSchema), { description: 'The latest rotation; null if never rotated' }),
  },
  {
    $id: 'ProductionSecret',
    description: "The production client secret's state (never the secret), for an active client_secret service",
  },
);

export const BackendServiceSchema = Type.Object(
  {
    id: Uuid,
    clientId: Type.String({ description: 'OAuth client_id, the same in sandbox and production' }),
    name: Type.String(),
    description: Nullable(Type.String()),
    authMethod: Ref(AuthMethodSchema),
    jwksUri: Nullable(Type.String()),
    productionJwksUri: Nullable(Type.String(), {
      description: "Production's own key set URL; null: production uses jwksUri (the sandbox always does)",
    }),
    scopeVersion: ScopeVersion,
    scopes: Type.Array(Type.String()),
    organizationId: Nullable(Type.String(), {
      description:
        'The organization (OrgBAC) whose data the production client may reach; the sandbox client is not bound to it',
    }),
    organization: Nullable(Ref(ServiceOrganizationSchema), {
      description:
        'The organization with its place in the hierarchy; null without one, or when the cached organizations ' +
        'do not list it (any more)',
    }),
    status: Ref(ServiceStatusSchema),
    version: Type.Integer({ description: 'Send as If-Match when editing' }),
    owner: Ref(UserSummarySchema),
    createdAt: DateTime,
    updatedAt: DateTime,
    submittedAt: Nullable(DateTime),
    reviewedAt: Nullable(DateTime),
    reviewNote: Nullable(Type.String()),
    rejectionReason: Nullable(Type.String(), {
      description: "Why the service was rejected, deactivated or retired (a retirement's reason is the owner's own)",
    }),
    returnReason: Nullable(Type.String(), {
      description: 'Why an admin returned the submission for changes; cleared when it is submitted again',
    }),
    deletedAt: Nullable(DateTime, {
      description:
        'When the owner removed the rejected service from the dashboard; only admins see a removed service (null ' +
        'for every other)',
    }),
    environments: Type.Object({
      sandbox: Nullable(Ref(EnvironmentStatusSchema)),
      production: Nullable(Ref(EnvironmentStatusSchema)),
    }),
    availableActions: Type.Array(StringEnum(AVAILABLE_ACTIONS), {
      description: 'What the caller may do now (drives the buttons in the portal)',
    }),
    productionSecret: Nullable(Ref(ProductionSecretSchema), {
      description:
        'For a client_secret service from approval on: its own production secret (the sandbox secret never works ' +
        'in production); null otherwise',
    }),
    clientSecret: Type.Optional(
      Type.String({
        description:
          'Only in the response that issues a sandbox secret (create, copy, or a switch to client_secret); it is never ' +
          'shown again',
      }),
    ),
  },
  { $id: 'BackendService' },
);
export type BackendService = Static<typeof BackendServiceSchema>;
export type BulkExport = Static<typeof BulkExportSchema>;

export const CreateBackendServiceSchema = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    authMethod: Ref(AuthMethodSchema),
    jwksUri: Type.Optional(JwksUriSchema),
    productionJwksUri: Type.Optional(ProductionJwksUri),
    scopeVersion: ScopeVersion,
    scopes: Scopes,
    organizationId: Type.Optional(OrganizationId),
  },
  { $id: 'CreateBackendService', additionalProperties: false },
);
export type CreateBackendService = Static<typeof CreateBackendServiceSchema>;

export const UpdateBackendServiceSchema = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    authMethod: Type.Optional(Ref(AuthMethodSchema)),
    jwksUri: Type.Optional(Nullable(JwksUriSchema)),
    productionJwksUri: Type.Optional(Nullable(ProductionJwksUri)),
    scopeVersion: Type.Optional(ScopeVersion),
    scopes: Type.Optional(Scopes),
    organizationId: Type.Optional(Nullable(OrganizationId)),
  },
  { $id: 'UpdateBackendService', additionalProperties: false, minProperties: 1 },
);
export type UpdateBackendService = Static<typeof UpdateBackendServiceSchema>;

export const IssuedClientSecretSchema = Type.Object(
  {
    clientSecret: Type.String({ description: 'The secret, shown only in this response' }),
    environment: StringEnum(ENVIRONMENTS, { description: 'The environment it authenticates in (and only there)' }),
  },
  { $id: 'IssuedClientSecret' },
);

export const RotateSecretBodySchema = Type.Object(
  {
    environment: StringEnum(ENVIRONMENTS, {
      description:
        'Whose secret: sandbox (replaced at once) or production (a cutover without an outage, unless immediate)',
    }),
    immediate: Type.Optional(
      Type.Boolean({
        description:
          'Production only: an emergency rotation that cuts the old secret at once (clients using it fail until ' +
          'they switch); default false, a cutover',
      }),
    ),
  },
  { $id: 'RotateSecretBody', additionalProperties: false },
);
export type RotateSecretBody = Static<typeof RotateSecretBodySchema>;

export const ServiceEventSchema = Type.Object(
  {
    id: Type.String(),
    serviceId: Uuid,
    serviceName: Type.String(),
    actor: Nullable(Ref(UserSummarySchema)),
    action: Type.String(),
    fromStatus: Nullable(Type.String(), {
      description:
        'Set only when the action changed the status (create: null → draft; delete: draft or rejected → null). Null, ' +
        'like toStatus, for an action that keeps the status (edit, rotate_secret, resync): those are not transitions',
    }),
    toStatus: Nullable(Type.String(), { description: 'See fromStatus' }),
    serviceStatus: Nullable(Ref(ServiceStatusSchema), {
      description: 'The status the service is in after the event, for every event; null once it is deleted',
    }),
    detail: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'What else the event says. edit: { changed: [field…], changes: { <field>: { from, to } }, secret?: ' +
        '"issued" | "removed" }, only the fields whose stored value changed (never a secret); approve: { note }; ' +
        'return, reject, deactivate: { reason }; retire: { reason? }; create of a copy: { copiedFrom: <source id> }; ' +
        'resync: { environments }; apply_change: as edit; propose_change: as edit, with changeRequestId; ' +
        'withdraw_change: { changeRequestId }; approve_change: { changeRequestId, note? }; reject_change: ' +
        '{ changeRequestId, reason }; approve of a client_secret service: { productionSecret: "issued" }; ' +
        'start_secret_cutover: { deadline }; secret_cutover_due and secret_cutover_applied (the provisioner, no ' +
        'actor): { switchedBy? }',
    }),
    createdAt: DateTime,
  },
  { $id: 'ServiceEvent', description: 'One entry of the append-only audit trail' },
);
export type ServiceEventView = Static<typeof ServiceEventSchema>;

export const ServiceIdParams = Type.Object({ id: Uuid });

export const ListServicesQuery = Type.Object(
  {
    status: Type.Optional(Ref(ServiceStatusSchema)),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Matches name or client id' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export const AdminListServicesQuery = Type.Object(
  {
    status: Type.Optional(Ref(ServiceStatusSchema)),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'Matches name, client id or owner e-mail' }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const BackendServicePageSchema = Type.Object(
  { items: Type.Array(Ref(BackendServiceSchema)), nextCursor: NextCursor },
  { $id: 'BackendServicePage' },
);
export const ServiceEventPageSchema = Type.Object(
  { items: Type.Array(Ref(ServiceEventSchema)), nextCursor: NextCursor },
  { $id: 'ServiceEventPage' },
);

export const ApproveBodySchema = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const ReasonBodySchema = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S', description: 'Shown to the developer' }) },
  { additionalProperties: false },
);
export const RetireBodySchema = Type.Object(
  {
    reason: Type.Optional(
      Type.String({ maxLength: 2000, description: 'Why the service is retired, kept as its rejectionReason' }),
    ),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Repeat a create safely: the same key and body within 24 hours return the first result',
    }),
  ),
});
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ maxLength: 100, description: 'The version you read, as its ETag ("3")' })),
});

export const BACKEND_SERVICE_SCHEMAS = [
  ServiceStatusSchema,
  AuthMethodSchema,
  BulkExportSchema,
  EnvironmentStatusSchema,
  SecretCutoverSchema,
  ProductionSecretSchema,
  BackendServiceSchema,
  CreateBackendServiceSchema,
  UpdateBackendServiceSchema,
  IssuedClientSecretSchema,
  RotateSecretBodySchema,
  ServiceEventSchema,
  BackendServicePageSchema,
  ServiceEventPageSchema,
];
