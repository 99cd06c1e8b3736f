import { Alert, Anchor, Card, Code, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import {
  AUTH_METHOD_DETAILS,
  DetailsTable,
  formatDateTime,
  JwksCheckSection,
  organizationPath,
  QueryView,
  ServiceEnvironments,
  StatusBadge,
  TimelineSection,
  useApi,
} from '@payerbox/web-kit';
import { useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { serviceQueries } from '../api/queries.ts';
import { ChangeRequestsSection } from './change-requests-section.tsx';
import { CopiedFromNotice, isCopyNotice } from './copied-from-notice.tsx';
import { ProductionSecretSection } from './production-secret-section.tsx';
import { RejectedNextSteps } from './rejected-next-steps.tsx';
import { ServiceActions } from './service-actions.tsx';
import { TokenExamples } from './token-examples.tsx';

/** What the status means for the developer right now. */
const STATUS_MEANING: Record<BackendService['status'], string> = {
  draft:
    'Draft: created, not yet submitted. It works against the sandbox only; try it there, then submit it for review.',
  under_review:
    'Under Review: submitted and waiting for an administrator. The sandbox client keeps working; withdraw the service to change it.',
  active: 'Active: approved and live in production. Production constants are below.',
  rejected:
    'Rejected: declined at review, deactivated by an administrator, or retired by you. Its clients cannot get tokens; what you can do next is below.',
};

function Details(props: { service: BackendService }) {
  const { service } = props;
  const rows: [string, ReactNode][] = [
    ['Client ID', <Code key="id">{service.clientId}</Code>],
    ['Authentication', AUTH_METHOD_DETAILS[service.authMethod]],
    ...(service.jwksUri ? [['JWKS URI', <Code key="jwks">{service.jwksUri}</Code>] as [string, ReactNode]] : []),
    ...(service.productionJwksUri
      ? [
          ['Production key set URL', <Code key="production-jwks">{service.productionJwksUri}</Code>] as [
            string,
            ReactNode,
          ],
        ]
      : []),
    [
      `Scopes (${service.scopeVersion})`,
      <Group key="scopes" gap={4}>
        {service.scopes.map((scope) => (
          <Code key={scope}>{scope}</Code>
        ))}
      </Group>,
    ],
    ...(service.organization ? [['Organization', organizationPath(service.organization)] as [string, ReactNode]] : []),
    ['Created', formatDateTime(service.createdAt)],
    ['Submitted', formatDateTime(service.submittedAt)],
    ['Reviewed', formatDateTime(service.reviewedAt)],
  ];
  return <DetailsTable label="Service details" rows={rows} />;
}

function Timeline(props: { id: string }) {
  const api = useApi();
  return <TimelineSection events={useQuery(serviceQueries.events(api, props.id))} />;
}

function ServiceView(props: { service: BackendService }) {
  const { service } = props;
  const { state } = useLocation();
  // Retired here: the dialog and the Retire button are gone, so focus goes to what the developer can do now.
  const [retiredHere, setRetiredHere] = useState(false);
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Group gap="sm">
          <Title order={1}>{service.name}</Title>
          <StatusBadge status={service.status} />
        </Group>
        {service.description && <Text>{service.description}</Text>}
        <Text size="sm" c="dimmed" data-testid="status-meaning">
          {STATUS_MEANING[service.status]}
        </Text>
      </Stack>
      {service.status === 'rejected' && <RejectedNextSteps service={service} focusOnShow={retiredHere} />}
      {service.status === 'draft' && isCopyNotice(state) && <CopiedFromNotice notice={state} service={service} />}
      {service.status === 'draft' && service.returnReason && (
        <Alert color="yellow" title="Returned for changes" data-testid="returned-for-changes">
          <Text size="sm">{service.returnReason}</Text>
          <Text size="sm" mt={4}>
            Edit the service to address it, then submit it for review again.
          </Text>
        </Alert>
      )}
      {service.reviewNote && service.status === 'active' && (
        <Alert color="green" title="Note from the reviewer">
          {service.reviewNote}
        </Alert>
      )}
      <ServiceActions service={service} onRetired={() => setRetiredHere(true)} />
      {service.status === 'active' && <ProductionSecretSection service={service} />}
      {(service.status === 'active' || service.status === 'rejected') && <ChangeRequestsSection service={service} />}
      <Details service={service} />
      {service.jwksUri && <JwksCheckSection jwksUri={service.jwksUri} />}
      {service.productionJwksUri && (
        <JwksCheckSection jwksUri={service.productionJwksUri} title="Production key set URL" />
      )}
      <Title order={2} size="h3">
        Environments
      </Title>
      <ServiceEnvironments service={service} />
      <Card withBorder component="section" aria-label="Token request examples">
        <Stack gap="sm">
          <Title order={2} size="h3">
            Try it
          </Title>
          <TokenExamples service={service} />
        </Stack>
      </Card>
      <Timeline id={service.id} />
    </Stack>
  );
}

/** A service's page: status, actions, environment constants (live while provisioning), examples and timeline. */
export function ServicePage() {
  const { id = '' } = useParams();
  const api = useApi();
  const query = useQuery(serviceQueries.detail(api, id));
  return (
    <Stack>
      <Anchor component={Link} to="/" size="sm">
        ← Backend Services
      </Anchor>
      <QueryView query={query} label="the service" notFound="There is no such service among yours.">
        {(service) => <ServiceView key={service.id} service={service} />}
      </QueryView>
    </Stack>
  );
}
