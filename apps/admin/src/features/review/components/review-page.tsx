import { Alert, Anchor, Button, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import {
  AUTH_METHOD_DETAILS,
  DetailsTable,
  ErrorAlert,
  formatAge,
  formatDateTime,
  JwksCheckSection,
  type NavItemState,
  organizationPath,
  QueryView,
  ServiceEnvironments,
  StatusBadge,
  TimelineSection,
  unwrap,
  useApi,
} from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { reviewQueries } from '../api/queries.ts';
import { DecisionPanel } from './decision-panel.tsx';
import { ProductionSecretStatus } from './production-secret-status.tsx';
import { ScopeMatrix } from './scope-matrix.tsx';

function Overview(props: { service: BackendService }) {
  const { service } = props;
  const rows: [string, ReactNode][] = [
    ['Owner', `${service.owner.name} <${service.owner.email}>`],
    ['Client ID', <Code key="id">{service.clientId}</Code>],
    ['Authentication', AUTH_METHOD_DETAILS[service.authMethod]],
    [
      'Organization',
      service.organization
        ? `${organizationPath(service.organization)} (${service.organization.id})`
        : 'None (this deployment does not use organizations)',
    ],
    [
      'Submitted',
      service.submittedAt ? `${formatDateTime(service.submittedAt)} (${formatAge(service.submittedAt)} ago)` : '—',
    ],
    ['Reviewed', formatDateTime(service.reviewedAt)],
  ];
  return <DetailsTable label="Service overview" rows={rows} />;
}

function Timeline(props: { id: string }) {
  const api = useApi();
  return <TimelineSection events={useQuery(reviewQueries.events(api, props.id))} />;
}

/** Provisioning that gave up (state failed) can be retried from here. */
function ResyncButton(props: { service: BackendService }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const resync = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/admin/backend-services/{id}/resync', { params: { path: { id: props.service.id } } })),
    onSuccess: (updated) => {
      queryClient.setQueryData(reviewQueries.detail(api, updated.id).queryKey, updated);
      void queryClient.invalidateQueries({ queryKey: reviewQueries.events(api, updated.id).queryKey });
    },
  });
  const { sandbox, production } = props.service.environments;
  if (sandbox?.state !== 'failed' && production?.state !== 'failed') return null;
  return (
    <Stack gap="xs">
      {resync.isError && <ErrorAlert error={resync.error} />}
      <Group>
        <Button variant="light" loading={resync.isPending} onClick={() => resync.mutate()}>
          Retry provisioning
        </Button>
      </Group>
    </Stack>
  );
}

/** An active service's pending change request, linked to its review. */
function PendingChange(props: { service: BackendService }) {
  const api = useApi();
  const latest = useQuery({
    ...reviewQueries.latestChangeRequest(api, props.service.id),
    enabled: props.service.status === 'active',
  });
  if (latest.data?.status !== 'pending') return null;
  return (
    <Alert color="blue" title="A change request is waiting for review">
      <Anchor component={Link} to={`/services/${props.service.id}/change-requests/${latest.data.id}`}>
        Review the proposed change
      </Anchor>
    </Alert>
  );
}

function Review(props: { service: BackendService }) {
  const { service } = props;
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Group gap="sm">
          <Title order={1}>{service.name}</Title>
          <StatusBadge status={service.status} />
        </Group>
        <Text>{service.description ?? 'No description.'}</Text>
      </Stack>
      <PendingChange service={service} />
      <Overview service={service} />
      <Card withBorder component="section" aria-label="Scopes">
        <Stack gap="sm">
          <Title order={2} size="h3">
            Scopes ({service.scopeVersion})
          </Title>
          <Group gap={4}>
            {service.scopes.map((scope) => (
              <Code key={scope}>{scope}</Code>
            ))}
          </Group>
          <ScopeMatrix service={service} />
        </Stack>
      </Card>
      {service.jwksUri && <JwksCheckSection jwksUri={service.jwksUri} />}
      {service.productionJwksUri && (
        <JwksCheckSection jwksUri={service.productionJwksUri} title="Production key set URL" />
      )}
      {/* After the evidence (overview, scopes, the live JWKS check), so a reviewer reads it before deciding. */}
      <DecisionPanel service={service} />
      <Title order={2} size="h3">
        Environments
      </Title>
      <ServiceEnvironments service={service} />
      <ResyncButton service={service} />
      <ProductionSecretStatus service={service} />
      <Timeline id={service.id} />
    </Stack>
  );
}

/** One service, for review: everything a decision needs, and the decision. */
export function ReviewPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const query = useQuery(reviewQueries.detail(api, id));
  // Back to the list the service was opened from: the queue says so in the link's state (see serviceNameColumn).
  const fromQueue = (useLocation().state as Partial<NavItemState> | null)?.navItem === '/';
  return (
    <Stack>
      <Anchor component={Link} to={fromQueue ? '/' : '/services'} size="sm">
        {fromQueue ? '← Review queue' : '← All services'}
      </Anchor>
      <QueryView query={query} label="the service" notFound="There is no such service.">
        {(service) => <Review service={service} />}
      </QueryView>
    </Stack>
  );
}
