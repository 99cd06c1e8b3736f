import { Stack, Text, Timeline, Title } from '@mantine/core';
import type { ServiceEvent } from '@payerbox/api-client';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatDateTime } from '../format.ts';
import { QueryView } from './page-states.tsx';
import { STATUS_LABELS } from './status-badge.tsx';

const ACTION_LABELS: Record<string, string> = {
  create: 'Registered',
  edit: 'Edited',
  delete: 'Deleted',
  submit: 'Submitted for review',
  withdraw: 'Withdrawn to draft',
  approve: 'Approved',
  reject: 'Rejected',
  deactivate: 'Deactivated',
  rotate_secret: 'Client secret rotated',
  resync: 'Provisioning retried',
};

function statusLabel(status: string | null): string | undefined {
  return status ? (STATUS_LABELS[status as keyof typeof STATUS_LABELS] ?? status) : undefined;
}

function describeDetail(detail: Record<string, unknown>): string | undefined {
  const text = detail.reason ?? detail.note;
  return typeof text === 'string' && text !== '' ? text : undefined;
}

/** The service's audit trail, oldest first, as a timeline. */
export function EventTimeline(props: { events: readonly ServiceEvent[] }) {
  if (props.events.length === 0) return <Text c="dimmed">No events yet.</Text>;
  return (
    <Timeline active={props.events.length - 1} bulletSize={14} lineWidth={2}>
      {props.events.map((event) => {
        const from = statusLabel(event.fromStatus);
        const to = statusLabel(event.toStatus);
        const detail = describeDetail(event.detail);
        return (
          <Timeline.Item key={event.id} title={ACTION_LABELS[event.action] ?? event.action}>
            <Text size="sm" c="dimmed">
              {formatDateTime(event.createdAt)}
              {event.actor ? ` · ${event.actor.name}` : ''}
              {to && from !== to ? ` · ${from ? `${from} → ` : ''}${to}` : ''}
            </Text>
            {detail && <Text size="sm">“{detail}”</Text>}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}

/** The "Timeline" section of a service page: the events query's loading and error states, then the timeline. */
export function TimelineSection(props: { events: UseQueryResult<ServiceEvent[]> }) {
  return (
    <Stack gap="sm" component="section" aria-label="Timeline">
      <Title order={2} size="h3">
        Timeline
      </Title>
      <QueryView query={props.events} label="the timeline">
        {(items) => <EventTimeline events={items} />}
      </QueryView>
    </Stack>
  );
}
