export { useApi } from './api.tsx';
export { ApiError, describeError, fieldErrors, unwrap } from './api-error.ts';
export { AppLayout, type NavItem } from './components/app-layout.tsx';
export { ConfirmDialog } from './components/confirm-dialog.tsx';
export { CopyBlock, CopyValue } from './components/copy-value.tsx';
export { EnvironmentPanel } from './components/environment-panel.tsx';
export { EventTimeline } from './components/event-timeline.tsx';
export { ErrorAlert, FullPageError, FullPageLoader, NotFoundPage, QueryView } from './components/page-states.tsx';
export { ShownOnceDialog } from './components/shown-once-dialog.tsx';
export {
  EnvironmentStateBadge,
  STATUS_LABELS,
  StatusBadge,
  type Tone,
  ToneBadge,
} from './components/status-badge.tsx';
export { formatAge, formatDateTime } from './format.ts';
export { PortalProviders } from './providers.tsx';
export { createQueryClient, isRetryable } from './query-client.ts';
export { type PortalApp, SessionGate, type SessionValue, signInUrl, useSession } from './session.tsx';
