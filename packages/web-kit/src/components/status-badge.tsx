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

const STATUS_COLORS: Record<ServiceStatus, string> = {
  draft: 'gray',
  under_review: 'yellow',
  active: 'green',
  rejected: 'red',
};

export function StatusBadge(props: { status: ServiceStatus }) {
  return (
    <Badge color={STATUS_COLORS[props.status]} variant="light" autoContrast>
      {STATUS_LABELS[props.status]}
    </Badge>
  );
}

type EnvironmentState = EnvironmentStatus['state'];

const ENVIRONMENT_STATES: Record<EnvironmentState, { label: string; color: string }> = {
  pending: { label: 'Provisioning', color: 'blue' },
  ready: { label: 'Ready', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  disabled: { label: 'Disabled', color: 'gray' },
  removed: { label: 'Removed', color: 'gray' },
};

export function EnvironmentStateBadge(props: { state: EnvironmentState }) {
  const { label, color } = ENVIRONMENT_STATES[props.state];
  return (
    <Badge color={color} variant="light" autoContrast>
      {label}
    </Badge>
  );
}
