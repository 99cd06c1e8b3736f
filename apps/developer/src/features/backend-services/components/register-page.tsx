import { Alert, Anchor, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { QueryView, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import { createBody } from '../api/service-body.ts';
import { SecretDialog } from './secret-dialog.tsx';
import { ServiceForm, type ServiceFormValues, useServiceDraft } from './service-form.tsx';

/**
 * The registration form, empty or filled from `source` (one of the developer's services, such as a rejected one to
 * start again from). Each source has its own kept draft, so starting from two services never mixes their input.
 */
function RegisterForm(props: { source?: BackendService }) {
  const { source } = props;
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // One key per visit of the page: a double click or a retried request creates one service, not two.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const draft = useServiceDraft(source ? `register-service-from:${source.id}` : 'register-service', source);
  const [issued, setIssued] = useState<{ service: BackendService; secret: string }>();
  const create = useMutation({
    mutationFn: (values: ServiceFormValues) =>
      unwrap(
        api.POST('/api/v1/backend-services', {
          body: createBody(values),
          params: { header: { 'idempotency-key': idempotencyKey } },
        }),
      ),
    onSuccess: ({ clientSecret, ...service }) => {
      draft.clear();
      void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
      queryClient.setQueryData(serviceQueries.detail(api, service.id).queryKey, service);
      if (clientSecret) setIssued({ service, secret: clientSecret });
      else void navigate(`/services/${service.id}`);
    },
  });

  return (
    <>
      {source && <StartedFrom source={source} />}
      <ServiceForm
        initial={source}
        draft={draft}
        submitLabel="Create"
        pending={create.isPending}
        error={create.error}
        onSubmit={(values) => create.mutate(values)}
        onCancel={() => void navigate('/')}
      />
      {issued && (
        <SecretDialog
          clientId={issued.service.clientId}
          secret={issued.secret}
          onClose={() => void navigate(`/services/${issued.service.id}`)}
        />
      )}
    </>
  );
}

/** Says which service the form was filled from and, for a rejected one, the reason to address. */
function StartedFrom(props: { source: BackendService }) {
  const { source } = props;
  return (
    <Alert color="blue" title={`Started from "${source.name}"`} data-testid="started-from">
      <Stack gap={4}>
        <Text size="sm">
          The form holds that service's configuration. Change what needs changing before you create the new service: it
          gets its own client id{source.authMethod === 'client_secret' ? ' and client secret' : ''}, and goes through
          review again.
        </Text>
        {source.status === 'rejected' && source.rejectionReason && (
          <Text size="sm">Reason given by the reviewer: {source.rejectionReason}</Text>
        )}
      </Stack>
    </Alert>
  );
}

/** The service named by `?from=<id>`, loaded before the form so the form starts with its values. */
function RegisterFromService(props: { id: string }) {
  const api = useApi();
  const query = useQuery(serviceQueries.detail(api, props.id));
  return (
    <QueryView query={query} label="the service to start from" notFound="There is no such service among yours.">
      {(source) => <RegisterForm source={source} />}
    </QueryView>
  );
}

/**
 * Register New: creates a draft, which is provisioned into the sandbox at once. With `?from=<id>` the form starts
 * from one of the developer's services (the way forward from a rejected one).
 */
export function RegisterPage() {
  const from = useSearchParams()[0].get('from');
  return (
    <Stack>
      <Anchor component={Link} to="/" size="sm">
        ← Backend Services
      </Anchor>
      <Title order={1}>Register a Backend Service</Title>
      <Text c="dimmed" maw={760}>
        A server-to-server client that gets tokens with the client_credentials grant, no user involved. It starts as a
        draft in the sandbox; submit it for review when it works.
      </Text>
      {from ? <RegisterFromService id={from} /> : <RegisterForm />}
    </Stack>
  );
}
