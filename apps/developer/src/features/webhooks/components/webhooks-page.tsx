import { Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import type { components } from '@payerbox/api-client';
import {
  ConfirmDialog,
  ErrorAlert,
  fieldErrors,
  QueryView,
  ScrollTable,
  ShownOnceDialog,
  ToneBadge,
  unwrap,
  useApi,
} from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { webhookQueries } from '../api/queries.ts';
import { DeliveryLog } from './delivery-log.tsx';
import { type WebhookDraft, WebhookFields, webhookDraftErrors } from './webhook-fields.tsx';

type Endpoint = components['schemas']['WebhookEndpoint'];
type EventType = components['schemas']['WebhookEventType'];

const EMPTY: WebhookDraft = { url: '', events: [] };

/** The endpoint form, for adding and editing: checks in the browser first, then shows the API's field errors. */
function WebhookForm(props: {
  label: string;
  submitLabel: string;
  initial: WebhookDraft;
  pending: boolean;
  error: unknown;
  onSubmit: (draft: { url: string; events: EventType[] }) => void;
  onCancel?: () => void;
}) {
  const [draft, setDraft] = useState(props.initial);
  const [checked, setChecked] = useState(false);
  const local = checked ? webhookDraftErrors(draft) : {};
  const remote = fieldErrors(props.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    const errors = webhookDraftErrors(draft);
    if (errors.url || errors.events) return;
    props.onSubmit({ url: draft.url.trim(), events: draft.events as EventType[] });
  };
  return (
    <form onSubmit={submit} aria-label={props.label} noValidate>
      <Stack gap="sm" maw={720}>
        <WebhookFields
          draft={draft}
          onChange={setDraft}
          errors={{ url: local.url ?? remote.url, events: local.events ?? remote.events }}
        />
        {props.error && Object.keys(remote).length === 0 ? <ErrorAlert error={props.error} /> : null}
        <Group>
          <Button type="submit" loading={props.pending}>
            {props.submitLabel}
          </Button>
          {props.onCancel && (
            <Button variant="default" onClick={props.onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}

function AddWebhook() {
  const api = useApi();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string>();
  // A new form after each endpoint is added: its fields start over.
  const [generation, setGeneration] = useState(0);
  const create = useMutation({
    mutationFn: (body: { url: string; events: EventType[] }) => unwrap(api.POST('/api/v1/webhooks', { body })),
    onSuccess: (created) => {
      setSecret(created.secret);
      setGeneration((n) => n + 1);
      void queryClient.invalidateQueries({ queryKey: webhookQueries.all });
    },
  });
  return (
    <>
      <WebhookForm
        key={generation}
        label="Add a webhook endpoint"
        submitLabel="Add endpoint"
        initial={EMPTY}
        pending={create.isPending}
        error={create.error}
        onSubmit={(body) => create.mutate(body)}
      />
      <ShownOnceDialog
        opened={secret !== undefined}
        title="Your webhook signing secret"
        warning="This secret will not be shown again"
        explanation="Copy it now. Your receiver verifies each delivery's webhook-signature header with it, using any Standard Webhooks library."
        values={secret ? [{ label: 'Signing secret', value: secret, once: true }] : []}
        acknowledge="I have saved the secret"
        confirmation="I have stored the signing secret somewhere safe"
        onClose={() => setSecret(undefined)}
      />
    </>
  );
}

function EditWebhook(props: { endpoint: Endpoint; onClose: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (body: { url: string; events: EventType[] }) =>
      unwrap(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: props.endpoint.id } }, body })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: webhookQueries.all });
      props.onClose();
    },
  });
  return (
    <Modal opened onClose={props.onClose} title="Edit webhook endpoint" size="lg" centered>
      <WebhookForm
        label="Edit webhook endpoint"
        submitLabel="Save"
        initial={{ url: props.endpoint.url, events: props.endpoint.events }}
        pending={update.isPending}
        error={update.error}
        onSubmit={(body) => update.mutate(body)}
        onCancel={props.onClose}
      />
    </Modal>
  );
}

function EndpointTable(props: { endpoints: readonly Endpoint[]; onShowLog: (endpoint: Endpoint) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Endpoint>();
  const [deleting, setDeleting] = useState<Endpoint>();
  const [tested, setTested] = useState<string>();
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setDeleting(undefined);
      void queryClient.invalidateQueries({ queryKey: webhookQueries.all });
    },
  });
  const test = useMutation({
    mutationFn: (endpoint: Endpoint) =>
      unwrap(api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: endpoint.id } } })),
    onSuccess: (_queued, endpoint) => {
      setTested(endpoint.url);
      props.onShowLog(endpoint);
      void queryClient.invalidateQueries({ queryKey: webhookQueries.all });
    },
  });
  if (props.endpoints.length === 0) return <Text c="dimmed">You have no webhook endpoints.</Text>;
  return (
    <>
      {tested && (
        <Text role="status" size="sm">
          A test event is on its way to {tested}.
        </Text>
      )}
      {test.isError && <ErrorAlert error={test.error} title="The test was not sent" />}
      <ScrollTable withTableBorder striped aria-label="Your webhook endpoints">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>URL</Table.Th>
            <Table.Th>Events</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>
              <span className="mantine-visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.endpoints.map((endpoint) => (
            <Table.Tr key={endpoint.id}>
              <Table.Td>
                <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                  {endpoint.url}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{endpoint.events.join(', ')}</Text>
              </Table.Td>
              <Table.Td>
                {endpoint.status === 'failing' ? (
                  <ToneBadge tone="red">Failing</ToneBadge>
                ) : (
                  <ToneBadge tone="green">Active</ToneBadge>
                )}
              </Table.Td>
              <Table.Td>
                <Group gap="xs" wrap="nowrap">
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    loading={test.isPending && test.variables?.id === endpoint.id}
                    onClick={() => test.mutate(endpoint)}
                    aria-label={`Send test to ${endpoint.url}`}
                  >
                    Send test
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    onClick={() => props.onShowLog(endpoint)}
                    aria-label={`Deliveries to ${endpoint.url}`}
                  >
                    Deliveries
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    onClick={() => setEditing(endpoint)}
                    aria-label={`Edit ${endpoint.url}`}
                  >
                    Edit
                  </Button>
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    color="red"
                    onClick={() => setDeleting(endpoint)}
                    aria-label={`Delete ${endpoint.url}`}
                  >
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </ScrollTable>
      {editing && <EditWebhook endpoint={editing} onClose={() => setEditing(undefined)} />}
      <ConfirmDialog
        opened={deleting !== undefined}
        title="Delete this webhook endpoint?"
        confirmLabel="Delete"
        pending={remove.isPending}
        error={remove.error}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        onClose={() => setDeleting(undefined)}
      >
        {`${deleting?.url} stops receiving events at once, and its delivery log is deleted. This cannot be undone.`}
      </ConfirmDialog>
    </>
  );
}

/** Webhook endpoints for partner automation: add (secret shown once), edit, delete, test, and the delivery log. */
export function WebhooksPage() {
  const api = useApi();
  const endpoints = useQuery(webhookQueries.list(api));
  const [shown, setShown] = useState<Endpoint>();
  return (
    <Stack>
      <Title order={1}>Webhooks</Title>
      <Text c="dimmed" maw={760}>
        The portal POSTs events about your services to your endpoints as signed JSON (Standard Webhooks), retrying a
        failed delivery with backoff for 24 hours.
      </Text>
      <AddWebhook />
      <Title order={2} size="h3">
        Your endpoints
      </Title>
      <QueryView query={endpoints} label="your webhook endpoints">
        {(page) => <EndpointTable endpoints={page.items} onShowLog={setShown} />}
      </QueryView>
      {shown && <DeliveryLog key={shown.id} endpointId={shown.id} url={shown.url} />}
    </Stack>
  );
}
