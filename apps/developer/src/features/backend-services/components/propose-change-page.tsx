import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { ChangeDiff, ErrorAlert, NotFoundPage, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { type Proposal, proposalOf } from '../api/proposal.ts';
import { serviceQueries } from '../api/queries.ts';
import { SecretDialog } from './secret-dialog.tsx';
import { ServiceForm, type ServiceFormValues, useServiceDraft } from './service-form.tsx';
import { ServiceFormPage } from './service-form-page.tsx';

/** What the service page says after a proposal: applied at once, or sent for review. */
export interface ProposalNotice {
  readonly proposal: 'applied' | 'pending';
}

/** The before → after of a proposal, and what sending it does, before it is sent. */
function ProposalPreview(props: {
  proposal: Proposal;
  pending: boolean;
  error: unknown;
  onSend: () => void;
  onBack: () => void;
}) {
  const { proposal } = props;
  const heading = useRef<HTMLHeadingElement>(null);
  // The preview replaces the form: focus moves to its heading, so a screen reader reads what comes next.
  useEffect(() => heading.current?.focus(), []);
  return (
    <Card withBorder component="section" aria-label="Review your change">
      <Stack gap="sm">
        <Title order={2} size="h3" ref={heading} tabIndex={-1}>
          Review your change
        </Title>
        {proposal.changes.length === 0 ? (
          <Alert color="gray">Nothing changes: every field has its approved value. Go back to change something.</Alert>
        ) : (
          <>
            <ChangeDiff changes={proposal.changes} label="Your change" />
            {proposal.appliesAtOnce ? (
              <Alert color="blue" title="Applies at once" data-testid="applies-at-once">
                This change only narrows access, so it needs no review: production and the sandbox switch to it as soon
                as you apply it.
              </Alert>
            ) : (
              <Alert color="yellow" title="Reviewed by an administrator" data-testid="needs-review">
                This change widens access or changes how the client authenticates or whose data it reaches. Production
                keeps the approved configuration until an administrator approves it; the sandbox runs the proposed one
                in the meantime, so you can try it there.
              </Alert>
            )}
          </>
        )}
        {props.error !== null && props.error !== undefined && (
          <ErrorAlert error={props.error} title="The change was not sent" />
        )}
        <Group>
          {proposal.changes.length > 0 && (
            <Button loading={props.pending} onClick={props.onSend}>
              {proposal.appliesAtOnce ? 'Apply change' : 'Send for review'}
            </Button>
          )}
          <Button variant="default" onClick={props.onBack}>
            Back to the form
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function ProposeForm(props: { service: BackendService }) {
  const { service } = props;
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const draft = useServiceDraft(`propose-change:${service.id}`, service);
  const [values, setValues] = useState<ServiceFormValues>();
  const [issuedSecret, setIssuedSecret] = useState<string>();
  const proposal = values ? proposalOf(service, values) : undefined;
  const servicePage = `/services/${service.id}`;
  const send = useMutation({
    mutationFn: (body: Proposal['body']) =>
      unwrap(api.POST('/api/v1/backend-services/{id}/change-requests', { params: { path: { id: service.id } }, body })),
    onSuccess: (result) => {
      draft.clear();
      // 200 answers the service, the change applied at once; 201 a pending change request.
      const applied = 'clientId' in result;
      if (applied) queryClient.setQueryData(serviceQueries.detail(api, service.id).queryKey, result);
      void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
      if (!applied && result.clientSecret) setIssuedSecret(result.clientSecret);
      else {
        const notice: ProposalNotice = { proposal: applied ? 'applied' : 'pending' };
        void navigate(servicePage, { state: notice });
      }
    },
  });
  if (!service.availableActions.includes('propose_change')) {
    return <NotFoundPage what="Only an active service takes change requests." />;
  }
  return (
    <>
      {/* The form stays mounted under the preview, so that Back returns to what was typed. */}
      <div hidden={proposal !== undefined}>
        <ServiceForm
          initial={service}
          draft={draft}
          submitLabel="Review the change"
          pending={false}
          error={null}
          onSubmit={setValues}
          onCancel={() => void navigate(servicePage)}
        />
      </div>
      {proposal && (
        <ProposalPreview
          proposal={proposal}
          pending={send.isPending}
          error={send.error}
          onSend={() => send.mutate(proposal.body)}
          onBack={() => {
            send.reset();
            setValues(undefined);
          }}
        />
      )}
      <SecretDialog
        clientId={service.clientId}
        secret={issuedSecret}
        onClose={() => {
          const notice: ProposalNotice = { proposal: 'pending' };
          void navigate(servicePage, { state: notice });
        }}
      />
    </>
  );
}

/** Propose a change to an active service: the form filled in from it, then the before → after, then send. */
export function ProposeChangePage() {
  const intro = (
    <Text c="dimmed">
      Change what you need; the form starts from the approved configuration. Removing scopes or permissions, or a new
      name or description, applies at once; anything else is reviewed by an administrator.
    </Text>
  );
  return (
    <ServiceFormPage title="Propose a change" intro={intro}>
      {(service) => <ProposeForm service={service} />}
    </ServiceFormPage>
  );
}
