import { Button, Code, Textarea } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { ConfirmDialog, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';

// The API's limit on the reason (RetireBody.reason).
const REASON_MAX_LENGTH = 2000;

/**
 * Retire: the owner's own way out of production for an Active service, after a confirmation that says what happens
 * (both clients off at once, the client id dead, no way back) and takes an optional reason.
 */
export function RetireAction(props: { service: BackendService; onRetired: (service: BackendService) => void }) {
  const { service } = props;
  const api = useApi();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const retire = useMutation({
    mutationFn: () => {
      const given = reason.trim();
      return unwrap(
        api.POST('/api/v1/backend-services/{id}/retire', {
          params: { path: { id: service.id } },
          body: given ? { reason: given } : {},
        }),
      );
    },
    onSuccess: (retired) => {
      setConfirming(false);
      props.onRetired(retired);
    },
  });
  const close = () => {
    setConfirming(false);
    retire.reset();
  };
  return (
    <>
      <Button variant="outline" color="red" onClick={() => setConfirming(true)}>
        Retire
      </Button>
      <ConfirmDialog
        opened={confirming}
        title="Retire this service?"
        confirmLabel="Retire service"
        pending={retire.isPending}
        error={retire.error}
        onConfirm={() => retire.mutate()}
        onClose={close}
        fields={
          <Textarea
            label="Reason (optional)"
            description="Kept with the service: you and the portal's administrators see it"
            maxLength={REASON_MAX_LENGTH}
            autosize
            minRows={2}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
        }
      >
        "{service.name}" is switched off at once in production and in the sandbox: its client id{' '}
        <Code>{service.clientId}</Code> stops getting tokens, and the service becomes Rejected. This cannot be undone;
        to use the integration again, start a new service from it (a new client id) and send it through review.
      </ConfirmDialog>
    </>
  );
}
