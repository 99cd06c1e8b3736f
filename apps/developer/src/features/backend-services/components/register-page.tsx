import { Anchor, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import { createBody } from '../api/service-body.ts';
import { SecretDialog } from './secret-dialog.tsx';
import { ServiceForm, type ServiceFormValues, useServiceDraft } from './service-form.tsx';

/** The registration form; its input is kept as a draft until the service is created. */
function RegisterForm() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // One key per visit of the page: a double click or a retried request creates one service, not two.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const draft = useServiceDraft('register-service');
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
      <ServiceForm
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

/**
 * Register New: creates a draft, which is provisioned into the sandbox at once. (Starting again from a rejected
 * service is the API's copy, on that service's page.)
 */
export function RegisterPage() {
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
      <RegisterForm />
    </Stack>
  );
}
