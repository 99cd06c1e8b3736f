import { Badge } from '@mantine/core';
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';

type ServiceStatus = BackendService['status'];

/** The product's names of the statuses (product doc, "Service status"). */
export const STATUS_LABELS: Record<ServiceStatus, string> = {
  draft: 'Draft',
  under_review: 'Under Review',
  active: 'Active',
  rejected: 'Rejected',
};

const STATUS_COLORS: Record<ServiceStatus, Tone> = {
  draft: 'gray',
  under_review: 'yellow',
  active: 'green',
  rejected: 'red',
};

export type Tone = 'gray' | 'yellow' | 'green' | 'red' | 'blue';

/**
 * Mantine cuts a badge's label with an ellipsis once its container is narrower than the text ("UNDER…" in a table
 * column squeezed by a long name). A status that cannot be read is worse than a wider column: the label keeps its full
 * width, and a table too narrow for it scrolls sideways instead.
 */
const UNCUT = {
  root: { overflow: 'visible', flexShrink: 0, maxWidth: 'none' },
  label: { overflow: 'visible', textOverflow: 'clip' },
} as const;

/** A light badge in one of the portal's tones (the theme keeps its text contrast at WCAG AA); never truncated. */
export function ToneBadge(props: { tone: Tone; children: string }) {
  return (
    <Badge color={props.tone} variant="light" styles={UNCUT}>
      {props.children}
    </Badge>
  );
}

export function StatusBadge(props: { status: ServiceStatus }) {
  return <ToneBadge tone={STATUS_COLORS[props.status]}>{STATUS_LABELS[props.status]}</ToneBadge>;
}

type EnvironmentState = EnvironmentStatus['state'];

const ENVIRONMENT_STATES: Record<EnvironmentState, { label: string; color: Tone }> = {
  pending: { label: 'Provisioning', color: 'blue' },
  ready: { label: 'Ready', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  disabled: { label: 'Disabled', color: 'gray' },
  removed: { label: 'Removed', color: 'gray' },
};

export function EnvironmentStateBadge(props: { state: EnvironmentState }) {
  const { label, color } = ENVIRONMENT_STATES[props.state];
  return <ToneBadge tone={color}>{label}</ToneBadge>;
}
