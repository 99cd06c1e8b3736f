import { Button, Group, Stack } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { ConfirmDialog, ErrorAlert, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import type { DashboardNotice } from './dashboard-page.tsx';
import { RetireAction } from './retire-action.tsx';
import { SecretDialog } from './secret-dialog.tsx';

type Transition = 'submit' | 'withdraw';

/**
 * The buttons of what the developer may do now (the API's availableActions): Submit for Review, Withdraw, Edit,
 * Propose a change (an active service without a pending change request), Rotate sandbox secret, Retire and Delete
 * (Remove for a rejected service), the last three after a confirmation.
 */
export function ServiceActions(props: { service: BackendService; onRetired?: () => void }) {
  const { service } = props;
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<'delete' | 'rotate'>();
  const [rotatedSecret, setRotatedSecret] = useState<string>();
  const path = { params: { path: { id: service.id } } };
  const refresh = (updated?: BackendService) => {
    if (updated) queryClient.setQueryData(serviceQueries.detail(api, service.id).queryKey, updated);
    void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
  };

  const transition = useMutation({
    mutationFn: (action: Transition) =>
      unwrap(
        action === 'submit'
          ? api.POST('/api/v1/backend-services/{id}/submit', path)
          : api.POST('/api/v1/backend-services/{id}/withdraw', path),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/backend-services/{id}', path)),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: serviceQueries.detail(api, service.id).queryKey });
      void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
      const notice: DashboardNotice = { deleted: service.name, removedRejected: service.status === 'rejected' };
      void navigate('/', { state: notice });
    },
  });
  const rotate = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/backend-services/{id}/rotate-secret', { ...path, body: { environment: 'sandbox' } })),
    onSuccess: ({ clientSecret }) => {
      setConfirming(undefined);
      setRotatedSecret(clientSecret);
      refresh();
    },
  });
  const can = (action: BackendService['availableActions'][number]) => service.availableActions.includes(action);
  // One pending change request at a time: while one is pending, the page shows it (with Withdraw) instead.
  const requests = useQuery({ ...serviceQueries.changeRequests(api, service.id), enabled: can('propose_change') });
  const canPropose = can('propose_change') && requests.isSuccess && !requests.data.some((r) => r.status === 'pending');
  const rejected = service.status === 'rejected';
  const failed = transition.error;

  return (
    <Stack gap="xs">
      <Group gap="sm">
        {can('submit') && (
          <Button
            loading={transition.isPending && transition.variables === 'submit'}
            onClick={() => transition.mutate('submit')}
          >
            Submit for Review
          </Button>
        )}
        {can('withdraw') && (
          <Button
            variant="default"
            loading={transition.isPending && transition.variables === 'withdraw'}
            onClick={() => transition.mutate('withdraw')}
          >
            Withdraw
          </Button>
        )}
        {can('edit') && (
          <Button variant="default" component={Link} to={`/services/${service.id}/edit`}>
            Edit
          </Button>
        )}
        {canPropose && (
          <Button variant="default" component={Link} to={`/services/${service.id}/propose`}>
            Propose a change
          </Button>
        )}
        {can('rotate_secret') && (
          <Button variant="default" onClick={() => setConfirming('rotate')}>
            Rotate sandbox secret
          </Button>
        )}
        {can('retire') && (
          <RetireAction
            service={service}
            onRetired={(retired) => {
              refresh(retired);
              props.onRetired?.();
            }}
          />
        )}
        {can('delete') && (
          <Button variant="outline" color="red" onClick={() => setConfirming('delete')}>
            {rejected ? 'Remove' : 'Delete'}
          </Button>
        )}
      </Group>
      {failed && <ErrorAlert error={failed} title="The action did not go through" />}
      <ConfirmDialog
        opened={confirming === 'delete'}
        title={rejected ? 'Remove this service from your dashboard?' : 'Delete this draft?'}
        confirmLabel={rejected ? 'Remove' : 'Delete'}
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => setConfirming(undefined)}
      >
        {rejected
          ? `"${service.name}" leaves your dashboard; administrators and the audit trail keep it, and its clients stay switched off. This cannot be undone.`
          : `"${service.name}" and its sandbox client will be removed. This cannot be undone.`}
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirming === 'rotate'}
        title="Rotate the sandbox client secret?"
        confirmLabel="Rotate sandbox secret"
        pending={rotate.isPending}
        error={rotate.error}
        onConfirm={() => rotate.mutate()}
        onClose={() => setConfirming(undefined)}
      >
        A new sandbox secret is issued and shown once; the current one stops working in the sandbox as soon as it is
        updated. Production has its own secret and is not affected.
      </ConfirmDialog>
      <SecretDialog clientId={service.clientId} secret={rotatedSecret} onClose={() => setRotatedSecret(undefined)} />
    </Stack>
  );
}
