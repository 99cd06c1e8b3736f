import type {
  AuthMethod,
  ChangeRequestStatus,
  Environment,
  NotificationType,
  ScopeVersion,
  SecretSwitchedBy,
  ServiceConfiguration,
  ServiceStatus,
} from '@payerbox/domain';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Timestamps are read as `Date`, written as `Date` or SQL `now()`, and default on insert. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type UserRole = 'developer' | 'admin';

// The lifecycle's words are the domain's: the columns take exactly its lists (the migrations' CHECK constraints
// spell the same values, and a test compares them), so a new status or environment is declared once.
export type { AuthMethod } from '@payerbox/domain';
export type ScopeVersionColumn = ScopeVersion;
export type ServiceStatusColumn = ServiceStatus;
export type EnvironmentColumn = Environment;
export type ProvisioningState = 'pending' | 'ready' | 'failed' | 'disabled' | 'removed';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  oidcIssuer: string | null;
  oidcSubject: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  userId: string;
  name: string;
  tokenHash: Buffer;
  tokenPrefix: string;
  createdAt: Timestamp;
  expiresAt: ColumnType<Date, Date, Date>;
  lastUsedAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface BackendServicesTable {
  id: string;
  clientId: string;
  ownerId: string;
  name: string;
  description: string | null;
  authMethod: AuthMethod;
  jwksUri: string | null;
  scopeVersion: ScopeVersionColumn;
  scopes: string[];
  organizationId: string | null;
  status: ServiceStatusColumn;
  version: Generated<number>;
  reviewNote: string | null;
  rejectionReason: string | null;
  /** Why an admin returned the submission for changes; cleared when it is submitted again. */
  returnReason: string | null;
  submittedAt: NullableTimestamp;
  reviewedAt: NullableTimestamp;
  reviewedBy: string | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
  /** AES-256-GCM ciphertext of the client secret (IV, tag, ciphertext), bound to the service id. */
  clientSecretCiphertext: Buffer | null;
  clientSecretKeyId: string | null;
  clientSecretIssuedAt: NullableTimestamp;
  /** Production's own key set URL; null: production uses jwksUri. */
  productionJwksUri: string | null;
  /** The production secret, sealed to `production:<id>` (or to the id when `productionSecretShared`). */
  productionSecretCiphertext: Buffer | null;
  productionSecretKeyId: string | null;
  productionSecretIssuedAt: NullableTimestamp;
  /** When its owner was shown it (by retrieval, or in the answer of the rotation that issued it). */
  productionSecretRetrievedAt: NullableTimestamp;
  /** A secret migration 0014 copied from the sandbox secret of a service already active (sealed to the id alone). */
  productionSecretShared: Generated<boolean>;
  /** The next production secret of a cutover waiting for its switch. */
  nextProductionSecretCiphertext: Buffer | null;
  nextProductionSecretKeyId: string | null;
  /** The latest production secret rotation: started, its deadline, switched (by whom), applied by the provisioner. */
  secretCutoverStartedAt: NullableTimestamp;
  secretCutoverDeadline: NullableTimestamp;
  secretCutoverSwitchedAt: NullableTimestamp;
  secretCutoverSwitchedBy: SecretSwitchedBy | null;
  secretCutoverAppliedAt: NullableTimestamp;
}

export interface ServiceEventsTable {
  id: Generated<string>;
  serviceId: string;
  actorId: string | null;
  action: string;
  /** Set, with toStatus, only when the action changed the status (null at creation); see eventStatuses. */
  fromStatus: string | null;
  /** Null at deletion and for an action that kept the status. */
  toStatus: string | null;
  /** The status the service is in after the event; null once deleted. */
  serviceStatus: ServiceStatusColumn | null;
  detail: ColumnType<Record<string, unknown>, string | undefined, never>;
  createdAt: Timestamp;
}

export interface IdempotencyKeysTable {
  userId: string;
  key: string;
  operation: string;
  requestHash: Buffer;
  responseStatus: number | null;
  responseBody: ColumnType<unknown, string | null | undefined, string | null>;
  createdAt: Timestamp;
}

export interface ServiceEnvironmentsTable {
  serviceId: string;
  environment: EnvironmentColumn;
  state: ProvisioningState;
  lastError: string | null;
  provisionedAt: NullableTimestamp;
  updatedAt: Timestamp;
  verifiedAt: NullableTimestamp;
}

export interface ProvisioningJobsTable {
  id: Generated<string>;
  serviceId: string;
  environment: EnvironmentColumn;
  reason: string;
  attempts: Generated<number>;
  runAt: Timestamp;
  lockedBy: string | null;
  lockedUntil: NullableTimestamp;
  lastError: string | null;
  createdAt: Timestamp;
  generation: Generated<number>;
}

export interface SessionsTable {
  id: string;
  tokenHash: Buffer;
  userId: string;
  csrfToken: string;
  idToken: string | null;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
  expiresAt: ColumnType<Date, Date, Date>;
}

export interface LoginRequestsTable {
  state: string;
  nonce: string;
  codeVerifier: string;
  app: 'developer' | 'admin';
  returnTo: string;
  createdAt: Timestamp;
}

/**
 * The registration service's cache of the production Aidbox's OrgBAC organizations; a refresh replaces every row.
 * `parentId` names another cached organization (or nothing: a top-level one).
 */
export interface OrganizationsTable {
  id: string;
  name: string;
  parentId: string | null;
  refreshedAt: Timestamp;
}

/**
 * Fixed-window counters of the registration service's rate limits (UNLOGGED: emptied by a crash or failover). `key`
 * names the limit and the caller; `hits` counts the window that ends at `resetsAt`.
 */
export interface RateLimitWindowsTable {
  key: string;
  hits: number;
  resetsAt: ColumnType<Date, Date | string, Date | string>;
}

/**
 * A change request of an active service: the whole proposed configuration (a column per field of the domain's
 * ServiceConfiguration, so a new field needs its column here too; a test compares), what it changes, and its decision.
 */
export interface ChangeRequestsTable {
  id: string;
  serviceId: string;
  status: ChangeRequestStatus;
  name: ServiceConfiguration['name'];
  description: ServiceConfiguration['description'];
  authMethod: ServiceConfiguration['authMethod'];
  jwksUri: ServiceConfiguration['jwksUri'];
  productionJwksUri: ServiceConfiguration['productionJwksUri'];
  scopeVersion: ServiceConfiguration['scopeVersion'];
  scopes: string[];
  organizationId: ServiceConfiguration['organizationId'];
  /** `[{ field, from, to }]` (ChangedField of packages/domain), computed when the request was made. */
  changes: ColumnType<Array<{ field: string; from: unknown; to: unknown }>, string, never>;
  /** The sandbox secret of a proposed switch to client_secret, sealed to the service id like the service's own. */
  clientSecretCiphertext: Buffer | null;
  clientSecretKeyId: string | null;
  createdBy: string;
  createdAt: Timestamp;
  decidedBy: string | null;
  decidedAt: NullableTimestamp;
  /** Why an admin rejected it. */
  reason: string | null;
  /** The approving admin's note. */
  note: string | null;
}

/**
 * One person's notification, about an audit event of a service (`eventId` and `serviceId`) or about one of their API
 * tokens (`apiTokenId`), never both (a CHECK); in-app list, `emailedAt` once its e-mail went out.
 */
export interface NotificationsTable {
  id: Generated<string>;
  userId: string;
  eventId: string | null;
  serviceId: string | null;
  apiTokenId: string | null;
  type: NotificationType;
  /** When what it tells of happened (the event's time; for a token, when the scan found it in the notice window). */
  occurredAt: ColumnType<Date, Date | string, Date | string>;
  createdAt: Timestamp;
  readAt: NullableTimestamp;
  emailedAt: NullableTimestamp;
}

/** A person's e-mail choice for one kind of notification; no row means e-mail on. */
export interface NotificationPreferencesTable {
  userId: string;
  type: NotificationType;
  email: boolean;
  updatedAt: Timestamp;
}

/**
 * A service's place in the notifier's key set re-check: when it is next due, its last verdict and, while its key set
 * fails (a failure episode), since when, which URL and what the check found first.
 */
export interface KeySetRechecksTable {
  serviceId: string;
  nextCheckAt: Date;
  lastCheckedAt: Date | null;
  lastVerdict: 'pass' | 'fail' | null;
  failingSince: Date | null;
  failingUrl: string | null;
  failingFinding: string | null;
}

/** A live notifier worker's last sign of life (see the notifier's lease). */
export interface NotifierHeartbeatsTable {
  workerId: string;
  seenAt: Timestamp;
}

/** A developer's webhook endpoint; its signing secret is sealed with the endpoint id as context. */
export interface WebhookEndpointsTable {
  id: string;
  ownerId: string;
  url: string;
  events: NotificationType[];
  secretCiphertext: Buffer;
  secretKeyId: string;
  failingSince: NullableTimestamp;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** How a webhook delivery stands: still being tried, received, or given up after its retry window. */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event (or test) for one endpoint, under one `webhook-id`, with the exact JSON every attempt sends. */
export interface WebhookDeliveriesTable {
  id: Generated<string>;
  endpointId: string;
  eventId: string | null;
  messageId: string;
  type: string;
  payload: string;
  status: ColumnType<WebhookDeliveryStatus, WebhookDeliveryStatus | undefined, WebhookDeliveryStatus>;
  createdAt: Timestamp;
  roundStartedAt: Timestamp;
  deliveredAt: NullableTimestamp;
}

/** One HTTP attempt of a delivery, as the delivery log shows it. */
export interface WebhookDeliveryAttemptsTable {
  id: Generated<string>;
  deliveryId: string;
  attempt: number;
  attemptedAt: Date;
  latencyMs: number;
  statusCode: number | null;
  succeeded: boolean;
  error: string | null;
}

/** The database as the application sees it (camelCase through Kysely's CamelCasePlugin). */
export interface Database {
  users: UsersTable;
  apiTokens: ApiTokensTable;
  backendServices: BackendServicesTable;
  serviceEvents: ServiceEventsTable;
  idempotencyKeys: IdempotencyKeysTable;
  serviceEnvironments: ServiceEnvironmentsTable;
  provisioningJobs: ProvisioningJobsTable;
  sessions: SessionsTable;
  loginRequests: LoginRequestsTable;
  organizations: OrganizationsTable;
  rateLimitWindows: RateLimitWindowsTable;
  changeRequests: ChangeRequestsTable;
  notifications: NotificationsTable;
  notificationPreferences: NotificationPreferencesTable;
  notifierHeartbeats: NotifierHeartbeatsTable;
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  webhookDeliveryAttempts: WebhookDeliveryAttemptsTable;
  keySetRechecks: KeySetRechecksTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type BackendServiceRow = Selectable<BackendServicesTable>;
export type NewBackendService = Insertable<BackendServicesTable>;
export type BackendServiceUpdate = Updateable<BackendServicesTable>;
export type ServiceEvent = Selectable<ServiceEventsTable>;
export type ServiceEnvironment = Selectable<ServiceEnvironmentsTable>;
export type OrganizationRow = Selectable<OrganizationsTable>;
export type ChangeRequestRow = Selectable<ChangeRequestsTable>;
