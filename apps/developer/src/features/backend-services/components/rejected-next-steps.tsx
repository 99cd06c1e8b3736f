import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { ErrorAlert, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import type { CopyNotice } from './copied-from-notice.tsx';
import { SecretDialog } from './secret-dialog.tsx';
import { REASON_TITLES, type RejectingAction, useRejectingAction } from './service-ending.ts';

/** How the service came to be Rejected, in the developer's words; neutral while the audit trail loads. */
function HowItEnded(props: { service: BackendService; ending: RejectingAction | undefined }) {
  const { service, ending } = props;
  const clientId = <Code>{service.clientId}</Code>;
  switch (ending) {
    case 'retire':
      return (
        <Text size="sm">
          You retired this service: its clients get no tokens in the sandbox or in production, and its client id{' '}
          {clientId} no longer works. It cannot be switched back on.
        </Text>
      );
    case 'deactivate':
      return (
        <Text size="sm">
          An administrator deactivated this service after it went live: its clients get no tokens in the sandbox or in
          production, and it cannot be switched back on. If you think this is a mistake, contact the portal's
          administrators and quote its client id {clientId}.
        </Text>
      );
    case 'reject':
      return (
        <Text size="sm">
          A rejected service cannot be edited or submitted again, and its sandbox client no longer gets tokens. Address
          the reviewer's reason in a new service.
        </Text>
      );
    case undefined:
      return (
        <Text size="sm">A rejected service cannot be edited or submitted again, and its clients get no tokens.</Text>
      );
  }
}

/**
 * Starts a new service from this one (the API's copy): the new draft's secret, if it has one, is shown once here, then
 * the draft opens. One Idempotency-Key per visit of the page: a double click or a retried request makes one copy.
 */
function StartFromThisOne(props: { service: BackendService; notice: CopyNotice }) {
  const { service } = props;
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [issued, setIssued] = useState<{ copy: BackendService; secret: string }>();
  const open = (copy: BackendService) => void navigate(`/services/${copy.id}`, { state: props.notice });
  const copy = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/backend-services/{id}/copy', {
          params: { path: { id: service.id }, header: { 'idempotency-key': idempotencyKey } },
        }),
      ),
    onSuccess: ({ clientSecret, ...created }) => {
      // The secret never goes into the query cache: only the dialog's props hold it.
      queryClient.setQueryData(serviceQueries.detail(api, created.id).queryKey, created);
      void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
      if (clientSecret) setIssued({ copy: created, secret: clientSecret });
      else open(created);
    },
  });
  return (
    <>
      {copy.error ? <ErrorAlert error={copy.error} title="The new service was not created" /> : null}
      <Group>
        <Button variant="light" loading={copy.isPending} onClick={() => copy.mutate()}>
          Start a new service from this one
        </Button>
      </Group>
      {issued && (
        <SecretDialog clientId={issued.copy.clientId} secret={issued.secret} onClose={() => open(issued.copy)} />
      )}
    </>
  );
}

/**
 * A Rejected service's reason and what the developer can do with it: it cannot be edited or submitted again, so the
 * way forward is a new service copied from it. Whether it was declined at review, deactivated by an administrator or
 * retired by the developer comes from its audit trail, and the page says which. `focusOnShow` moves focus to the next
 * steps (a service that became Rejected while its page was open).
 */
export function RejectedNextSteps(props: { service: BackendService; focusOnShow?: boolean }) {
  const { service, focusOnShow = false } = props;
  const nextSteps = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusOnShow) nextSteps.current?.focus();
  }, [focusOnShow]);
  const ending = useRejectingAction(service);
  // Whose reason it is comes from the audit trail; until it has loaded (or if it cannot be read) the reason still shows.
  const reason = service.rejectionReason
    ? { title: ending ? REASON_TITLES[ending] : 'Reason given', text: service.rejectionReason }
    : null;
  const canCopy = service.availableActions.includes('copy');
  return (
    <>
      {reason && (
        <Alert color={ending === 'retire' ? 'gray' : 'red'} title={reason.title} data-testid="rejection-reason">
          {reason.text}
        </Alert>
      )}
      <Alert ref={nextSteps} tabIndex={-1} color="gray" title="What you can do now" data-testid="rejected-next-steps">
        <Stack gap="xs">
          <HowItEnded service={service} ending={ending} />
          {canCopy && (
            <Text size="sm">
              Start a new service from this one: a new draft with its name, description, authentication, scopes and
              organization opens, with its own client id
              {service.authMethod === 'client_secret' ? ' and a new client secret, shown once' : ''}. Change what needs
              changing before you submit it: it works in the sandbox at once and goes through review before production.
            </Text>
          )}
          <Text size="sm">
            To clear it from your dashboard, Remove it: administrators and the audit trail keep it, and its clients stay
            switched off.
          </Text>
          {canCopy && <StartFromThisOne service={service} notice={{ copiedFrom: service.name, reason }} />}
        </Stack>
      </Alert>
    </>
  );
}
