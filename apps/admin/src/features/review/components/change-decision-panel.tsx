import { Alert, Button, Card, Group, Stack, Textarea, Title } from '@mantine/core';
import type { ChangeRequest } from '@payerbox/api-client';
import {
  ApiError,
  CHANGE_REQUEST_STATUS_LABELS,
  ConfirmDialog,
  ErrorAlert,
  fieldErrors,
  fieldMessage,
  STATUS_LABELS,
  SupportReference,
  unwrap,
  useApi,
} from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { reviewQueries } from '../api/queries.ts';

type ChangeDecision = 'approve' | 'reject';

const OUTCOMES: Record<ChangeDecision, string> = {
  approve: 'Approved. Production is being switched to the proposed configuration.',
  reject: 'Rejected. The developer sees your reason; the sandbox is going back to the approved configuration.',
};

/** A 409 means the request was decided (or withdrawn) first, or the service left active: say which. */
function DecisionError(props: { error: unknown }) {
  const { error } = props;
  if (error instanceof ApiError && error.status === 409) {
    const current = error.problem?.currentStatus as string | undefined;
    const described =
      error.code === 'change_request_decided'
        ? `This change request is now ${CHANGE_REQUEST_STATUS_LABELS[current as ChangeRequest['status']] ?? current}`
        : `The service is now ${STATUS_LABELS[current as keyof typeof STATUS_LABELS] ?? current}`;
    return (
      <Alert color="orange" title="Someone else decided first" role="alert">
        {`${described}, so your decision was not applied. The page shows its current state.`}
        <SupportReference error={error} />
      </Alert>
    );
  }
  return <ErrorAlert error={error} title="The decision was not recorded" />;
}

const reasonError = (reason: string) => (reason.trim() === '' ? fieldMessage('reason', 'required') : undefined);

/** Approve (optional note) or Reject (reason required, confirmed in a dialog) a pending change request. */
export function ChangeDecisionPanel(props: { serviceId: string; request: ChangeRequest }) {
  const { serviceId, request } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [reasonRefused, setReasonRefused] = useState(false);
  const [confirmingReject, setConfirmingReject] = useState(false);
  const [outcome, setOutcome] = useState<ChangeDecision>();
  const reasonId = useId();
  const path = { path: { id: serviceId, crId: request.id } };
  const decide = useMutation({
    mutationFn: (decision: ChangeDecision) =>
      decision === 'approve'
        ? unwrap(
            api.POST('/api/v1/admin/backend-services/{id}/change-requests/{crId}/approve', {
              params: path,
              body: note.trim() ? { note: note.trim() } : {},
            }),
          )
        : unwrap(
            api.POST('/api/v1/admin/backend-services/{id}/change-requests/{crId}/reject', {
              params: path,
              body: { reason },
            }),
          ),
    onSuccess: (decided, decision) => {
      setOutcome(decision);
      setConfirmingReject(false);
      queryClient.setQueryData(reviewQueries.changeRequest(api, serviceId, request.id).queryKey, decided);
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
    },
    onError: () => {
      setConfirmingReject(false);
      void queryClient.invalidateQueries({
        queryKey: reviewQueries.changeRequest(api, serviceId, request.id).queryKey,
      });
    },
  });
  const errors = fieldErrors(decide.error);
  const approve = (event: FormEvent) => {
    event.preventDefault();
    decide.mutate('approve');
  };
  const reject = (event: FormEvent) => {
    event.preventDefault();
    if (reasonError(reason)) {
      setReasonRefused(true);
      document.getElementById(reasonId)?.focus();
      return;
    }
    setConfirmingReject(true);
  };
  const open = request.status === 'pending' && !outcome;
  return (
    <Card withBorder component="section" aria-label="Decision">
      <Stack gap="sm">
        <Title order={2} size="h3">
          Decision
        </Title>
        {outcome && (
          <Alert color="green" title="Done" role="status">
            {OUTCOMES[outcome]}
          </Alert>
        )}
        {decide.isError && Object.keys(errors).length === 0 && <DecisionError error={decide.error} />}
        {open && (
          <>
            <form onSubmit={approve} aria-label="Approve the change" noValidate>
              <Stack gap="xs">
                <Textarea
                  label="Note (optional)"
                  description="Kept in the audit log and shown to the developer"
                  maxLength={2000}
                  autosize
                  minRows={2}
                  value={note}
                  onChange={(e) => setNote(e.currentTarget.value)}
                  error={errors.note}
                />
                <Group>
                  <Button type="submit" color="green" loading={decide.isPending && decide.variables === 'approve'}>
                    Approve change
                  </Button>
                </Group>
              </Stack>
            </form>
            <form onSubmit={reject} aria-label="Reject the change" noValidate>
              <Stack gap="xs">
                <Textarea
                  id={reasonId}
                  label="Reason"
                  description="Required to reject; the developer sees it"
                  required
                  maxLength={2000}
                  autosize
                  minRows={2}
                  value={reason}
                  onChange={(e) => setReason(e.currentTarget.value)}
                  error={(reasonRefused ? reasonError(reason) : undefined) ?? errors.reason}
                />
                <Group>
                  <Button type="submit" color="red" loading={decide.isPending && decide.variables === 'reject'}>
                    Reject change
                  </Button>
                </Group>
              </Stack>
            </form>
          </>
        )}
        {!open && !outcome && (
          <Alert color="gray">
            No decision is open: this change request is {CHANGE_REQUEST_STATUS_LABELS[request.status]}.
          </Alert>
        )}
        <ConfirmDialog
          opened={confirmingReject}
          title="Reject this change?"
          confirmLabel="Reject change"
          pending={decide.isPending && decide.variables === 'reject'}
          onConfirm={() => decide.mutate('reject')}
          onClose={() => setConfirmingReject(false)}
        >
          Production keeps the approved configuration; the developer sees your reason on the service page.
        </ConfirmDialog>
      </Stack>
    </Card>
  );
}
