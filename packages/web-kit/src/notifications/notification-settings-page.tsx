import { Anchor, Stack, Switch, Text, Title } from '@mantine/core';
import { describeNotificationKind, type NotificationType, notificationKindsFor } from '@payerbox/domain';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useApi } from '../api.tsx';
import { unwrap } from '../api-error.ts';
import { ErrorAlert, FullPageLoader } from '../components/page-states.tsx';
import { useSession } from '../session.tsx';
import { notificationQueries } from './queries.ts';

/**
 * Per kind of event the caller hears about, whether it also comes by e-mail (the in-app list always shows it). A
 * switch saves at once; administrators see the reviewers' kinds, developers those about their own services.
 */
export function NotificationSettingsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const { user } = useSession();
  const kinds = notificationKindsFor(user.role === 'admin' ? 'admins' : 'owner');
  const preferences = useQuery(notificationQueries.preferences(api));
  const save = useMutation({
    mutationFn: (change: { type: NotificationType; on: boolean }) =>
      unwrap(api.PUT('/api/v1/notification-preferences', { body: { email: { [change.type]: change.on } } })),
    onSuccess: (saved) => queryClient.setQueryData(notificationQueries.preferences(api).queryKey, saved),
  });
  return (
    <Stack>
      <Title order={1}>Notification settings</Title>
      <Text>
        Every notification shows up in your{' '}
        <Anchor component={Link} to="/notifications" underline="always">
          notifications
        </Anchor>
        . Choose which ones also come to {user.email} by e-mail.
      </Text>
      {preferences.isPending ? (
        <FullPageLoader label="Loading your settings" />
      ) : preferences.isError ? (
        <ErrorAlert
          error={preferences.error}
          onRetry={() => preferences.refetch()}
          title="Could not load your settings"
        />
      ) : (
        <Stack component="fieldset" gap="sm" m={0} p={0} style={{ border: 0 }}>
          <Text component="legend" fw={600} mb="xs">
            E-mail me when
          </Text>
          {kinds.map((type) => (
            <Switch
              key={type}
              label={describeNotificationKind(type)}
              checked={preferences.data.email[type]}
              disabled={save.isPending}
              onChange={(event) => save.mutate({ type, on: event.currentTarget.checked })}
            />
          ))}
        </Stack>
      )}
      {save.isError && <ErrorAlert error={save.error} title="Could not save your choice" />}
      <Text size="sm" role="status">
        {save.isSuccess ? 'Saved.' : ''}
      </Text>
    </Stack>
  );
}
