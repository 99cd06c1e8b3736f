export { useApi } from './api.tsx';
export { ApiError, describeError, fieldErrors, supportReference, unwrap } from './api-error.ts';
export { AUTH_METHOD_DETAILS, AUTH_METHOD_LABELS } from './auth-methods.ts';
export { AppLayout, type NavItem } from './components/app-layout.tsx';
export {
  CHANGE_REQUEST_STATUS_LABELS,
  ChangeDiff,
  ChangeRequestBadge,
  scopeDifference,
} from './components/change-diff.tsx';
export { ConfirmDialog } from './components/confirm-dialog.tsx';
export { CopyBlock, CopyValue } from './components/copy-value.tsx';
export { CountedTextInput } from './components/counted-text-input.tsx';
export { CutoverProgress, type CutoverReader } from './components/cutover-progress.tsx';
export { DetailsTable } from './components/details-table.tsx';
export { EnvironmentPanel, ServiceEnvironments } from './components/environment-panel.tsx';
export { EventTimeline, TimelineSection } from './components/event-timeline.tsx';
export { JwksCheckSection, jwksCheckQuery } from './components/jwks-check-section.tsx';
export { JwksReportView } from './components/jwks-report-view.tsx';
export {
  ErrorAlert,
  FullPageError,
  FullPageLoader,
  type HomeLink,
  HomeLinkProvider,
  NotFoundPage,
  QueryView,
} from './components/page-states.tsx';
export { RouteError } from './components/route-error.tsx';
export { ScrollTable } from './components/scroll-table.tsx';
export {
  ServiceFilterBar,
  type ServiceListFilter,
  type ServiceListFilterState,
  useServiceListFilter,
} from './components/service-filter-bar.tsx';
export {
  authMethodColumn,
  type Column,
  clientIdColumn,
  nameColumn,
  ownerColumn,
  ServiceTable,
  serviceNameColumn,
  statusColumn,
} from './components/service-table.tsx';
export { ShownOnceDialog, type ShownValue } from './components/shown-once-dialog.tsx';
export {
  EnvironmentStateBadge,
  STATUS_LABELS,
  StatusBadge,
  type Tone,
  ToneBadge,
} from './components/status-badge.tsx';
export { SupportReference } from './components/support-reference.tsx';
export {
  ACTION_LABELS,
  actionLabel,
  describeDetail,
  describeEdit,
  describeEventStatus,
  describeTransition,
  type EditValues,
  type EventStatusFields,
  eventText,
  fieldHeading,
  fieldLabel,
  statusLabel,
  valueLabel,
} from './event-description.ts';
export {
  apiFieldMessage,
  type FieldRule,
  fieldMessage,
  fieldNoun,
  type RecognisedRule,
  recogniseRule,
  textLength,
} from './field-messages.ts';
export { formatAge, formatDateTime } from './format.ts';
export { mount } from './mount.tsx';
export { type NavItemState, navItemState } from './nav-items.ts';
export { notificationQueries } from './notifications/queries.ts';
export { NOTIFICATION_ROUTES } from './notifications/routes.tsx';
export {
  flattenOrganizations,
  type OrganizationEntry,
  type OrganizationNode,
  organizationPath,
  organizationsQuery,
} from './organizations.ts';
export { cursorParam, type KeysetPage, keysetQueryOptions } from './paged-query.ts';
export { DraftNotices, type PersistedDraft, usePersistedDraft } from './persisted-draft.tsx';
export { PortalProviders } from './providers.tsx';
export { isProvisioning, PROVISIONING_POLL_MS, pollWhileProvisioning } from './provisioning-poll.ts';
export { createQueryClient, isRetryable } from './query-client.ts';
export { type PortalApp, SessionGate, type SessionValue, signInUrl, useSession } from './session.tsx';
