import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService, ChangeRequest } from '@payerbox/api-client';
import {
  ChangeDiff,
  ChangeRequestBadge,
  ConfirmDialog,
  ErrorAlert,
  fieldLabel,
  formatDateTime,
  unwrap,
  useApi,
} from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import type { ProposalNotice } from './propose-change-page.tsx';

function isProposalNotice(state: unknown): state is ProposalNotice {
  const proposal = (state as Partial<ProposalNotice> | null)?.proposal;
  return proposal === 'applied' || proposal === 'pending';
}

/** The pending request: what it changes, that the sandbox runs it and production does not yet, and Withdraw. */
function PendingRequest(props: { service: BackendService; request: ChangeRequest }) {
  const { service, request } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const withdraw = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/backend-services/{id}/change-requests/{crId}/withdraw', {
          params: { path: { id: service.id, crId: request.id } },
        }),
      ),
    onSuccess: () => {
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
    },
  });
  return (
    <Stack gap="xs" data-testid="pending-change-request">
      <Group gap="sm">
        <ChangeRequestBadge status={request.status} />
        <Text size="sm">Proposed {formatDateTime(request.createdAt)}</Text>
      </Group>
      <Text size="sm">
        Production keeps the approved configuration until an administrator approves this change; the sandbox runs the
        proposed configuration now, so you can try it there.
      </Text>
      <ChangeDiff changes={request.changes} label="Pending change" />
      <Group>
        <Button variant="default" onClick={() => setConfirming(true)}>
          Withdraw change request
        </Button>
      </Group>
      <ConfirmDialog
        opened={confirming}
        title="Withdraw this change request?"
        confirmLabel="Withdraw"
        pending={withdraw.isPending}
        error={withdraw.error}
        onConfirm={() => withdraw.mutate()}
        onClose={() => setConfirming(false)}
      >
        The request is closed without a decision and the sandbox returns to the approved configuration. You can propose
        a change again afterwards.
      </ConfirmDialog>
    </Stack>
  );
}

/** A decided request: its state, what it changed, and the administrator's note or reason. */
function DecidedRequest(props: { request: ChangeRequest }) {
  const { request } = props;
  return (
    <Stack gap={4} data-testid="decided-change-request">
      <Group gap="sm">
        <ChangeRequestBadge status={request.status} />
        <Text size="sm">
          Proposed {formatDateTime(request.createdAt)}
          {request.decidedAt && `, decided ${formatDateTime(request.decidedAt)}`}
        </Text>
      </Group>
      <Text size="sm">Changed: {request.changes.map((change) => fieldLabel(change.field)).join(', ')}</Text>
      {request.status === 'approved' && request.note && (
        <Text size="sm">
          <strong>Note from the reviewer:</strong> {request.note}
        </Text>
      )}
      {request.status === 'rejected' && request.reason && (
        <Text size="sm">
          <strong>Reason given by the reviewer:</strong> {request.reason}
        </Text>
      )}
      {request.status === 'withdrawn' && request.reason && <Text size="sm">{request.reason}</Text>}
    </Stack>
  );
}

/** The service's change requests: the pending one with Withdraw, then the latest decisions. */
export function ChangeRequestsSection(props: { service: BackendService }) {
  const { service } = props;
  const api = useApi();
  const { state } = useLocation();
  const requests = useQuery(serviceQueries.changeRequests(api, service.id));
  const items = requests.data ?? [];
  const pending = items.find((request) => request.status === 'pending');
  const decided = items.filter((request) => request.status !== 'pending').slice(0, 5);
  // Nothing to show until there is a request (most services never have one), or the notice of one just sent.
  if (!requests.isError && items.length === 0 && !isProposalNotice(state)) return null;
  return (
    <Card withBorder component="section" aria-label="Change requests">
      <Stack gap="sm">
        <Title order={2} size="h3">
          Change requests
        </Title>
        {isProposalNotice(state) && (
          <Alert color="green" role="status" title={state.proposal === 'applied' ? 'Change applied' : 'Change sent'}>
            {state.proposal === 'applied'
              ? 'The change only narrowed access, so it applies at once; production and the sandbox are being updated.'
              : 'An administrator will review the change. The sandbox runs it from now on; production keeps the approved configuration until it is approved.'}
          </Alert>
        )}
        {requests.isError && <ErrorAlert error={requests.error} title="Could not load the change requests" />}
        {pending && <PendingRequest service={service} request={pending} />}
        {decided.map((request) => (
          <DecidedRequest key={request.id} request={request} />
        ))}
      </Stack>
    </Card>
  );
}
