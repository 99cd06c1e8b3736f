import { Stack, Text, Timeline, Title } from '@mantine/core';
import type { ServiceEvent } from '@payerbox/api-client';
import type { UseQueryResult } from '@tanstack/react-query';
import { actionLabel, describeEdit, describeTransition, eventText } from '../event-description.ts';
import { formatDateTime } from '../format.ts';
import { QueryView } from './page-states.tsx';

/** The service's audit trail, oldest first, as a timeline. */
export function EventTimeline(props: { events: readonly ServiceEvent[] }) {
  if (props.events.length === 0) return <Text c="dimmed">No events yet.</Text>;
  return (
    <Timeline active={props.events.length - 1} bulletSize={14} lineWidth={2}>
      {props.events.map((event) => {
        // An action that kept the status (an edit, a rotation) is no transition: no arrow.
        const transition = describeTransition(event);
        const quoted = eventText(event.detail)?.text;
        return (
          <Timeline.Item key={event.id} title={actionLabel(event.action)}>
            <Text size="sm" c="dimmed">
              {formatDateTime(event.createdAt)}
              {event.actor ? ` · ${event.actor.name}` : ''}
              {transition ? ` · ${transition}` : ''}
            </Text>
            {event.action === 'edit' &&
              describeEdit(event.detail).map((line) => (
                <Text key={line} size="sm">
                  {line}
                </Text>
              ))}
            {quoted && <Text size="sm">“{quoted}”</Text>}
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
