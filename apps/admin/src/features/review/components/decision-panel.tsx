import { Alert, Button, Card, Group, Stack, Textarea, TextInput, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import {
  ApiError,
  ConfirmDialog,
  DraftNotices,
  ErrorAlert,
  fieldErrors,
  fieldMessage,
  type PersistedDraft,
  STATUS_LABELS,
  SupportReference,
  unwrap,
  useApi,
  usePersistedDraft,
} from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { reviewQueries } from '../api/queries.ts';

type Decision = 'approve' | 'return' | 'reject' | 'deactivate';

const OUTCOMES: Record<Decision, string> = {
  approve: 'Approved. The production client is being created; its state is shown below.',
  return: 'Returned for changes. The developer sees your reason, can edit the service and submit it again.',
  reject: 'Rejected. The developer sees your reason on the service page.',
  deactivate: 'Deactivated. Its clients can no longer get tokens in any environment.',
};

/** A 409 means another administrator decided first: say so, with the status the service has now. */
function DecisionError(props: { error: unknown }) {
  const { error } = props;
  if (error instanceof ApiError && error.status === 409) {
    const current = error.problem?.currentStatus as BackendService['status'] | undefined;
    return (
      <Alert color="orange" title="Someone else decided first" role="alert">
        {current
          ? `This service is now ${STATUS_LABELS[current] ?? current}, so your decision was not applied. The page shows its current state.`
          : 'The service changed while you were looking at it; the page shows its current state.'}
        <SupportReference error={error} />
      </Alert>
    );
  }
  return <ErrorAlert error={error} title="The decision was not recorded" />;
}

/** The reason the browser refuses before sending (Reject and Deactivate require one the developer can read). */
const reasonError = (reason: string) => (reason.trim() === '' ? fieldMessage('reason', 'required') : undefined);

/** What the panel keeps across a sign-in round trip: the note and reason typed (not the name typed to confirm). */
interface DecisionDraft {
  readonly note: string;
  readonly reason: string;
}

const NO_DECISION_DRAFT: DecisionDraft = { note: '', reason: '' };

/**
 * Approve (optional note), Return for changes or Reject (reason required; Reject confirmed in a dialog) for a service
 * under review; Deactivate an active one (reason required, confirmed by typing the service's name). Shows the outcome,
 * or who won when two admins decide at once.
 */
export function DecisionPanel(props: { service: BackendService }) {
  const draft = usePersistedDraft(`decision:${props.service.id}`, NO_DECISION_DRAFT);
  // A discarded draft starts the fields over.
  return <DecisionForms key={draft.generation} service={props.service} draft={draft} />;
}

function DecisionForms(props: { service: BackendService; draft: PersistedDraft<DecisionDraft> }) {
  const { service, draft } = props;
  const api = useApi();
  const queryClient = useQueryClient();
  const [note, setNote] = useState(draft.restored?.note ?? '');
  const [reason, setReason] = useState(draft.restored?.reason ?? '');
  const { save } = draft;
  useEffect(() => save({ note, reason }), [save, note, reason]);
  const [confirmName, setConfirmName] = useState('');
  const [outcome, setOutcome] = useState<Decision>();
  const [confirmingReject, setConfirmingReject] = useState(false);
  // Once a decision was refused for a missing reason, the reason's check follows the input live.
  const [reasonRefused, setReasonRefused] = useState(false);
  const reasonId = useId();
  const path = { path: { id: service.id } };
  const decide = useMutation({
    mutationFn: (decision: Decision) => {
      switch (decision) {
        case 'approve':
          return unwrap(
            api.POST('/api/v1/admin/backend-services/{id}/approve', {
              params: path,
              body: note.trim() ? { note: note.trim() } : {},
            }),
          );
        case 'return':
          return unwrap(api.POST('/api/v1/admin/backend-services/{id}/return', { params: path, body: { reason } }));
        case 'reject':
          return unwrap(api.POST('/api/v1/admin/backend-services/{id}/reject', { params: path, body: { reason } }));
        case 'deactivate':
          return unwrap(api.POST('/api/v1/admin/backend-services/{id}/deactivate', { params: path, body: { reason } }));
      }
    },
    onSuccess: (updated, decision) => {
      draft.clear();
      setOutcome(decision);
      setConfirmingReject(false);
      queryClient.setQueryData(reviewQueries.detail(api, service.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: ['admin'] });
    },
    onError: () => {
      // The panel says what went wrong (next to the reason, or who decided first), not the confirmation.
      setConfirmingReject(false);
      void queryClient.invalidateQueries({ queryKey: reviewQueries.detail(api, service.id).queryKey });
    },
  });
  const errors = fieldErrors(decide.error);
  const hasFieldErrors = Object.keys(errors).length > 0;
  const can = (action: Decision) => service.availableActions.includes(action);
  const submit = (decision: Decision) => (event: FormEvent) => {
    event.preventDefault();
    request(decision);
  };
  function request(decision: Decision) {
    if (decision !== 'approve' && reasonError(reason)) {
      setReasonRefused(true);
      document.getElementById(reasonId)?.focus();
      return;
    }
    // Reject ends the review, like Deactivate ends the service: it is asked for once more.
    if (decision === 'reject') setConfirmingReject(true);
    else decide.mutate(decision);
  }

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
        {!outcome && <DraftNotices draft={draft} />}
        {decide.isError && !hasFieldErrors && <DecisionError error={decide.error} />}
        {can('approve') && (
          <form onSubmit={submit('approve')} aria-label="Approve" noValidate>
            <Stack gap="xs">
              <Textarea
                label="Note (optional)"
                description="Kept in the audit log and shown to the developer"
                maxLength={2000}
                autosize
                minRows={2}
                value={note}
                onChange={(e) => setNote(e.currentTarget.value)}
                error={decide.variables === 'approve' ? errors.note : undefined}
              />
              <Group>
                <Button type="submit" color="green" loading={decide.isPending && decide.variables === 'approve'}>
                  Approve
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {(can('reject') || can('deactivate')) && (
          <form
            onSubmit={submit(can('reject') ? 'reject' : 'deactivate')}
            aria-label={can('reject') ? 'Reject' : 'Deactivate'}
            noValidate
          >
            <Stack gap="xs">
              <Textarea
                id={reasonId}
                label="Reason"
                description="Required; the developer sees it"
                required
                maxLength={2000}
                autosize
                minRows={2}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                error={(reasonRefused ? reasonError(reason) : undefined) ?? errors.reason}
              />
              {can('deactivate') && (
                <TextInput
                  label="Type the service name to confirm"
                  description={`Deactivating switches "${service.name}" off in sandbox and production.`}
                  value={confirmName}
                  onChange={(e) => setConfirmName(e.currentTarget.value)}
                />
              )}
              <Group>
                {can('return') && (
                  // Not a dead end, so not asked twice: the developer edits the draft and submits it again.
                  <Button
                    variant="default"
                    loading={decide.isPending && decide.variables === 'return'}
                    onClick={() => request('return')}
                  >
                    Return for changes
                  </Button>
                )}
                {can('reject') ? (
                  <Button type="submit" color="red" loading={decide.isPending && decide.variables === 'reject'}>
                    Reject
                  </Button>
                ) : (
                  <Button
                    type="submit"
                    color="red"
                    disabled={confirmName !== service.name}
                    loading={decide.isPending && decide.variables === 'deactivate'}
                  >
                    Deactivate
                  </Button>
                )}
              </Group>
            </Stack>
          </form>
        )}
        {!can('approve') && !can('reject') && !can('deactivate') && !outcome && (
          <Alert color="gray">No decision is open: the service is {STATUS_LABELS[service.status]}.</Alert>
        )}
        <ConfirmDialog
          opened={confirmingReject}
          title="Reject this service?"
          confirmLabel="Reject"
          pending={decide.isPending && decide.variables === 'reject'}
          onConfirm={() => decide.mutate('reject')}
          onClose={() => setConfirmingReject(false)}
        >
          {`"${service.name}" will not go to production. Its developer sees your reason on the service page.`}
        </ConfirmDialog>
      </Stack>
    </Card>
  );
}
