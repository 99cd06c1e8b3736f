import { Button, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import type { ApiToken, components } from '@payerbox/api-client';
import {
  ConfirmDialog,
  CountedTextInput,
  DraftNotices,
  ErrorAlert,
  fieldErrors,
  fieldMessage,
  formatDateTime,
  type PersistedDraft,
  QueryView,
  ScrollTable,
  ShownOnceDialog,
  type Tone,
  ToneBadge,
  textLength,
  unwrap,
  useApi,
  usePersistedDraft,
} from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { apiTokenQueries } from '../api/queries.ts';

/** The API's limit on a token name (`maxLength` in the registration service's api-tokens schemas). */
const TOKEN_NAME_MAX = 100;

/** The name the browser refuses before sending, with the sentence the API's refusal would get. */
function tokenNameError(name: string): string | undefined {
  if (name.trim() === '') return fieldMessage('name', 'required');
  if (textLength(name) > TOKEN_NAME_MAX) return fieldMessage('name', 'maxLength', TOKEN_NAME_MAX);
  return undefined;
}

function tokenState(token: ApiToken): { label: string; color: Tone } {
  if (token.revokedAt) return { label: 'Revoked', color: 'gray' };
  if (new Date(token.expiresAt).getTime() < Date.now()) return { label: 'Expired', color: 'gray' };
  return { label: 'Active', color: 'green' };
}

/** What the token form keeps across a sign-in round trip: the name and lifetime typed, never the issued token. */
interface TokenDraft {
  readonly name: string;
  /** null until the developer types one: the portal's default lifetime applies. */
  readonly days: number | string | null;
}

const NO_TOKEN_DRAFT: TokenDraft = { name: '', days: null };

/** The lifetime limits of this deployment, as the API states them with the list of tokens (`lifetimeDays`). */
type Lifetime = components['schemas']['ApiTokenList']['lifetimeDays'];

/** The lifetime the browser refuses before sending: the sentence the API's refusal would get, next to the field. */
function daysError(days: number | string | null, lifetime: Lifetime | undefined): string | undefined {
  if (typeof days !== 'number') return undefined;
  if (days < 1) return fieldMessage('expiresInDays', 'minimum', 1);
  if (lifetime && days > lifetime.maximum) return fieldMessage('expiresInDays', 'maximum', lifetime.maximum);
  return undefined;
}

function CreateTokenForm() {
  const draft = usePersistedDraft('create-api-token', NO_TOKEN_DRAFT);
  // The same query as the list below (one request): its answer says how long a token may last here.
  const lifetime = useQuery(apiTokenQueries.list(useApi())).data?.lifetimeDays;
  // A discarded draft starts the fields over.
  return <CreateTokenFields key={draft.generation} draft={draft} lifetime={lifetime} />;
}

function CreateTokenFields(props: { draft: PersistedDraft<TokenDraft>; lifetime: Lifetime | undefined }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const { draft, lifetime } = props;
  const [name, setName] = useState(draft.restored?.name ?? NO_TOKEN_DRAFT.name);
  const nameInputId = useId();
  const daysInputId = useId();
  const [days, setDays] = useState<number | string | null>(draft.restored?.days ?? NO_TOKEN_DRAFT.days);
  const { save } = draft;
  useEffect(() => save({ name, days }), [save, name, days]);
  const [issued, setIssued] = useState<string>();
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/api-tokens', {
          body: { name: name.trim(), ...(typeof days === 'number' && { expiresInDays: days }) },
        }),
      ),
    onSuccess: ({ token }) => {
      draft.clear();
      setIssued(token);
      setName('');
      setDays(NO_TOKEN_DRAFT.days);
      void queryClient.invalidateQueries({ queryKey: apiTokenQueries.all });
    },
  });
  // Once a submit was refused here, the name's check follows the input live.
  const [refused, setRefused] = useState(false);
  const errors = fieldErrors(create.error);
  const nameError = (refused ? tokenNameError(name) : undefined) ?? errors.name;
  // A lifetime over the limit is said at once: the hint beside it states the limit.
  const lifetimeError = daysError(days, lifetime) ?? errors.expiresInDays;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (tokenNameError(name)) {
      setRefused(true);
      document.getElementById(nameInputId)?.focus();
      return;
    }
    if (daysError(days, lifetime)) {
      document.getElementById(daysInputId)?.focus();
      return;
    }
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="Create an API token" noValidate>
      <Stack gap="sm" maw={640}>
        <DraftNotices draft={draft} />
        <Group align="flex-start">
          <CountedTextInput
            id={nameInputId}
            label="Token name"
            description="Where you will use it, e.g. CI pipeline"
            required
            field="name"
            max={TOKEN_NAME_MAX}
            value={name}
            onChange={setName}
            error={nameError}
            style={{ flex: 1 }}
          />
          <NumberInput
            id={daysInputId}
            label="Expires in (days)"
            {...(lifetime && { description: `1 to ${lifetime.maximum}`, max: lifetime.maximum })}
            min={1}
            // Never cut a typed value down silently: a value over the limit stays and says so.
            clampBehavior="none"
            allowDecimal={false}
            value={days ?? lifetime?.default ?? ''}
            onChange={(value) => setDays(typeof value === 'bigint' ? Number(value) : value)}
            error={lifetimeError}
            w={160}
          />
        </Group>
        {create.isError && Object.keys(errors).length === 0 && <ErrorAlert error={create.error} />}
        <Group>
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </Stack>
      <ShownOnceDialog
        opened={issued !== undefined}
        title="Your new API token"
        warning="This token will not be shown again"
        explanation="Copy it now. Use it as “Authorization: Bearer …” with the portal's API; revoke it here when it is no longer needed."
        values={issued ? [{ label: 'API token', value: issued, once: true }] : []}
        acknowledge="I have saved the token"
        confirmation="I have stored the API token somewhere safe"
        onClose={() => setIssued(undefined)}
      />
    </form>
  );
}

function TokenTable(props: { tokens: readonly ApiToken[] }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [revoking, setRevoking] = useState<ApiToken>();
  const revoke = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/api/v1/api-tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setRevoking(undefined);
      void queryClient.invalidateQueries({ queryKey: apiTokenQueries.all });
    },
  });
  if (props.tokens.length === 0) return <Text c="dimmed">You have no API tokens.</Text>;
  return (
    <>
      <ScrollTable withTableBorder striped aria-label="Your API tokens">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Token</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>
              <span className="mantine-visually-hidden">Actions</span>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.tokens.map((token) => {
            const state = tokenState(token);
            return (
              <Table.Tr key={token.id}>
                <Table.Td>{token.name}</Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {token.tokenPrefix}…
                  </Text>
                </Table.Td>
                <Table.Td>
                  <ToneBadge tone={state.color}>{state.label}</ToneBadge>
                </Table.Td>
                <Table.Td>{formatDateTime(token.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(token.expiresAt)}</Table.Td>
                <Table.Td>{formatDateTime(token.lastUsedAt)}</Table.Td>
                <Table.Td>
                  {state.label === 'Active' && (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      onClick={() => setRevoking(token)}
                      aria-label={`Revoke ${token.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </ScrollTable>
      <ConfirmDialog
        opened={revoking !== undefined}
        title="Revoke this token?"
        confirmLabel="Revoke"
        pending={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(undefined)}
      >
        {`"${revoking?.name}" stops working at once. This cannot be undone.`}
      </ConfirmDialog>
    </>
  );
}

/** Personal access tokens for partner tooling: create (shown once), list, revoke. */
export function ApiTokensPage() {
  const api = useApi();
  const tokens = useQuery(apiTokenQueries.list(api));
  return (
    <Stack>
      <Title order={1}>API tokens</Title>
      <Text c="dimmed" maw={760}>
        Personal access tokens let your own tooling call the portal's API (the same actions as this portal) without
        signing in.
      </Text>
      <CreateTokenForm />
      <Title order={2} size="h3">
        Your tokens
      </Title>
      <QueryView query={tokens} label="your API tokens">
        {(page) => <TokenTable tokens={page.items} />}
      </QueryView>
    </Stack>
  );
}
