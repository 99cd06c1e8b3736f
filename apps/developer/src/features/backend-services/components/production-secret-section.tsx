import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { ConfirmDialog, CutoverProgress, ErrorAlert, unwrap, useApi } from '@payerbox/web-kit';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { serviceQueries } from '../api/queries.ts';
import { SecretDialog } from './secret-dialog.tsx';

type Confirming = 'rotate' | 'switch' | 'emergency';

/**
 * The production client secret of an active client-secret service: its one retrieval after approval ("Get your
 * production secret — it is shown once"), and its rotation without an outage (README, "Credentials per environment"):
 * start it (the new secret is shown once), confirm the switch once the new secret is deployed, watch it being
 * applied; or, in an emergency, cut the old secret at once.
 */
export function ProductionSecretSection(props: { service: BackendService }) {
  const { service } = props;
  const production = service.productionSecret;
  const api = useApi();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<Confirming>();
  const [shown, setShown] = useState<string>();
  const path = { params: { path: { id: service.id } } };
  const refresh = (updated?: BackendService) => {
    if (updated) queryClient.setQueryData(serviceQueries.detail(api, service.id).queryKey, updated);
    void queryClient.invalidateQueries({ queryKey: serviceQueries.all });
  };
  const showOnce = ({ clientSecret }: { clientSecret: string }) => {
    setConfirming(undefined);
    setShown(clientSecret);
    refresh();
  };
  const retrieve = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/backend-services/{id}/production-secret', path)),
    onSuccess: showOnce,
  });
  const rotate = useMutation({
    mutationFn: (immediate: boolean) =>
      unwrap(
        api.POST('/api/v1/backend-services/{id}/rotate-secret', {
          ...path,
          body: { environment: 'production', immediate },
        }),
      ),
    onSuccess: showOnce,
  });
  const confirmSwitch = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/backend-services/{id}/rotate-secret/confirm', path)),
    onSuccess: (updated) => {
      setConfirming(undefined);
      refresh(updated);
    },
  });
  if (!production) return null;
  const state = production.cutover?.state;

  return (
    // Not a named region: the environment cards are the page's "Production" region, and a second one would blur it.
    <Card withBorder data-testid="production-secret">
      <Stack gap="sm">
        <Title order={2} size="h3">
          Production client secret
        </Title>
        <Text size="sm">
          Production has a client secret of its own: your sandbox secret does not work there, and this one does not work
          in the sandbox.
        </Text>
        {production.retrievable && (
          <Alert color="blue" title="Get your production secret — it is shown once">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                Your service is approved. Retrieve its production secret and store it in your production secret store:
                the portal shows it this one time.
              </Text>
              <Button loading={retrieve.isPending} onClick={() => retrieve.mutate()}>
                Get your production secret
              </Button>
              {retrieve.error ? <ErrorAlert error={retrieve.error} title="The secret was not retrieved" /> : null}
            </Stack>
          </Alert>
        )}
        {production.cutover && <CutoverProgress cutover={production.cutover} reader="owner" />}
        <Group gap="sm">
          {state === 'pending' && <Button onClick={() => setConfirming('switch')}>Confirm switch</Button>}
          {state !== 'applying' && (
            <Button variant="default" onClick={() => setConfirming('rotate')}>
              {state === 'pending' ? 'Issue another new secret' : 'Rotate production secret'}
            </Button>
          )}
          <Button variant="outline" color="red" onClick={() => setConfirming('emergency')}>
            Emergency rotation
          </Button>
        </Group>
      </Stack>
      <ConfirmDialog
        opened={confirming === 'rotate'}
        title="Rotate the production secret without an outage?"
        confirmLabel="Issue new secret"
        pending={rotate.isPending && !rotate.variables}
        error={rotate.variables ? undefined : rotate.error}
        onConfirm={() => rotate.mutate(false)}
        onClose={() => setConfirming(undefined)}
      >
        A new secret is issued and shown once. Your current secret keeps working in production until you confirm the
        switch here (or the deadline passes), so you can deploy the new one first.
        {state === 'pending' && ' It replaces the new secret that is waiting now.'}
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirming === 'switch'}
        title="Switch production to the new secret?"
        confirmLabel="Confirm switch"
        pending={confirmSwitch.isPending}
        error={confirmSwitch.error}
        onConfirm={() => confirmSwitch.mutate()}
        onClose={() => setConfirming(undefined)}
      >
        Before you confirm: deploy the new secret, then take a fresh token with your current secret. That token keeps
        working while production is given the new secret; request tokens with the new secret once this page says it is
        applied.
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirming === 'emergency'}
        title="Cut the current production secret now?"
        confirmLabel="Rotate at once"
        pending={rotate.isPending && rotate.variables === true}
        error={rotate.variables ? rotate.error : undefined}
        onConfirm={() => rotate.mutate(true)}
        onClose={() => setConfirming(undefined)}
      >
        For a leaked secret only. The current production secret stops working within seconds: every client that uses it
        fails until it switches to the new secret shown next. Use Rotate production secret for a planned change.
      </ConfirmDialog>
      <SecretDialog
        clientId={service.clientId}
        secret={shown}
        environment="production"
        onClose={() => setShown(undefined)}
      />
    </Card>
  );
}
