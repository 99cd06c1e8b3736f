import { Alert, Anchor, Code, Group, Stack, Text, Title } from '@mantine/core';
import type { BackendService, ChangeRequest } from '@payerbox/api-client';
import {
  ChangeDiff,
  ChangeRequestBadge,
  DetailsTable,
  formatAge,
  formatDateTime,
  JwksCheckSection,
  type NavItemState,
  QueryView,
  scopeDifference,
  useApi,
} from '@payerbox/web-kit';
import { useQuery } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { reviewQueries } from '../api/queries.ts';
import { ChangeDecisionPanel } from './change-decision-panel.tsx';

/** "Scopes added: …" and "removed: …" in a sentence above the diff, so the widening is read first. */
function ScopeSummary(props: { request: ChangeRequest }) {
  const change = props.request.changes.find((c) => c.field === 'scopes');
  if (!change) return null;
  const { added, removed } = scopeDifference(change);
  return (
    <Stack gap={4} data-testid="scope-summary">
      {added.length > 0 && (
        <Group gap={4}>
          <Text size="sm" fw={600}>
            Scopes added:
          </Text>
          {added.map((scope) => (
            <Code key={scope}>{scope}</Code>
          ))}
        </Group>
      )}
      {removed.length > 0 && (
        <Group gap={4}>
          <Text size="sm" fw={600}>
            Scopes removed:
          </Text>
          {removed.map((scope) => (
            <Code key={scope}>{scope}</Code>
          ))}
        </Group>
      )}
    </Stack>
  );
}

function ChangeReview(props: { service: BackendService; request: ChangeRequest }) {
  const { service, request } = props;
  const keySets = request.proposed.authMethod === 'jwks_uri';
  const proposedJwks = keySets ? request.proposed.jwksUri : null;
  // Production's own key set URL, when the proposal gives it one.
  const proposedProductionJwks = keySets ? request.proposed.productionJwksUri : null;
  return (
    <Stack gap="lg">
      <Stack gap="xs">
        <Group gap="sm">
          <Title order={1}>Change to {service.name}</Title>
          <ChangeRequestBadge status={request.status} />
        </Group>
        <Text c="dimmed">
          An active service's owner proposes this change. Production keeps the approved configuration until it is
          approved; the sandbox runs the proposed one meanwhile.
        </Text>
      </Stack>
      <DetailsTable
        label="Change request overview"
        rows={[
          [
            'Service',
            <Anchor key="service" component={Link} to={`/services/${service.id}`}>
              {service.name}
            </Anchor>,
          ],
          ['Owner', `${service.owner.name} <${service.owner.email}>`],
          ['Proposed', `${formatDateTime(request.createdAt)} (${formatAge(request.createdAt)} ago)`],
          ...(request.decidedAt ? [['Decided', formatDateTime(request.decidedAt)] as const] : []),
          ...(request.reason ? [['Reason', request.reason] as const] : []),
          ...(request.note ? [['Note', request.note] as const] : []),
        ]}
      />
      <Title order={2} size="h3">
        Approved → proposed
      </Title>
      <ScopeSummary request={request} />
      <ChangeDiff changes={request.changes} label="Approved and proposed configuration" />
      {proposedJwks && (
        <Stack gap="xs">
          <Text size="sm">The proposed key set, checked now:</Text>
          <JwksCheckSection jwksUri={proposedJwks} />
        </Stack>
      )}
      {proposedProductionJwks && (
        <Stack gap="xs">
          <Text size="sm">The proposed production key set, checked now:</Text>
          <JwksCheckSection jwksUri={proposedProductionJwks} title="Production key set URL" />
        </Stack>
      )}
      {service.status !== 'active' && request.status === 'pending' && (
        <Alert color="gray">The service is no longer active, so this request cannot be decided.</Alert>
      )}
      <ChangeDecisionPanel serviceId={service.id} request={request} />
    </Stack>
  );
}

/** A change request of an active service, for review: the before → after, the live key set check, the decision. */
export function ChangeReviewPage() {
  const { id = '', crId = '' } = useParams();
  const api = useApi();
  const service = useQuery(reviewQueries.detail(api, id));
  const request = useQuery(reviewQueries.changeRequest(api, id, crId));
  const fromQueue = (useLocation().state as Partial<NavItemState> | null)?.navItem === '/';
  return (
    <Stack>
      <Anchor component={Link} to={fromQueue ? '/' : `/services/${id}`} size="sm">
        {fromQueue ? '← Review queue' : '← The service'}
      </Anchor>
      <QueryView query={request} label="the change request" notFound="There is no such change request.">
        {(changeRequest) => (
          <QueryView query={service} label="the service" notFound="There is no such service.">
            {(found) => <ChangeReview service={found} request={changeRequest} />}
          </QueryView>
        )}
      </QueryView>
    </Stack>
  );
}
