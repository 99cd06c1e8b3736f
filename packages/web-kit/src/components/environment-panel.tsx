import { Card, Group, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { BackendService, EnvironmentStatus } from '@payerbox/api-client';
import type { ReactNode } from 'react';
import { organizationPath } from '../organizations.ts';
import { CopyValue } from './copy-value.tsx';
import { EnvironmentStateBadge } from './status-badge.tsx';

const STATE_EXPLANATIONS: Record<EnvironmentStatus['state'], string> = {
  pending: 'The client is being created in this environment; this page updates by itself.',
  ready: 'The client exists here: request tokens and call the FHIR API with the values below.',
  failed: 'Provisioning gave up after several attempts. An administrator can retry it.',
  disabled: 'The client is switched off here and cannot get tokens.',
  removed: 'The client was removed from this environment.',
};

/**
 * One Aidbox environment of a service: its provisioning state (updating live while pending) and, once known, the
 * constants a client needs — FHIR base URL, SMART configuration, token URL, capability statement — with copy buttons.
 */
export function EnvironmentPanel(props: {
  title: string;
  environment: EnvironmentStatus | null;
  /** Shown instead when the service has no client in this environment (yet). */
  absent: ReactNode;
  /** Said about this environment above its constants, e.g. how the service's organization applies here. */
  note?: ReactNode;
}) {
  const { environment } = props;
  return (
    <Card withBorder padding="md" component="section" aria-label={props.title}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {props.title}
          </Title>
          {environment && (
            <Group gap="xs">
              {environment.state === 'pending' && <Loader size="xs" aria-hidden />}
              <EnvironmentStateBadge state={environment.state} />
            </Group>
          )}
        </Group>
        {environment ? (
          <>
            <Text size="sm" aria-live="polite">
              {STATE_EXPLANATIONS[environment.state]}
            </Text>
            {props.note && <Text size="sm">{props.note}</Text>}
            {environment.error && (
              <Text size="sm" c="red">
                {environment.error}
              </Text>
            )}
            <CopyValue label={`${props.title} FHIR base URL`} value={environment.fhirBaseUrl} />
            <CopyValue label={`${props.title} SMART configuration`} value={environment.smartConfigurationUrl} />
            <CopyValue label={`${props.title} token URL`} value={environment.tokenUrl} />
            <CopyValue label={`${props.title} capability statement`} value={environment.capabilityStatementUrl} />
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {props.absent}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/**
 * The sandbox and production panels of a service, side by side. A service's organization (OrgBAC) applies in
 * production only: the sandbox runs without organizations, so its client is unbound and its constants use the plain
 * FHIR base, and the panels say so.
 */
export function ServiceEnvironments(props: {
  service: Pick<BackendService, 'status' | 'environments' | 'organization' | 'organizationId'>;
}) {
  const { status, environments, organization, organizationId } = props.service;
  // The id alone when the cached organizations no longer list it: the binding applies all the same.
  const path = organization ? organizationPath(organization) : (organizationId ?? undefined);
  // Rejected at review: no production client was ever made, and none will be for this service.
  const productionAbsent =
    status === 'rejected'
      ? 'This service was rejected at review, so it has no production client and never will.'
      : path
        ? `Production URLs appear once the service is approved; they use the FHIR base of ${path}.`
        : 'Production URLs appear once the service is approved.';
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <EnvironmentPanel
        title="Sandbox"
        environment={environments.sandbox}
        absent="No sandbox client."
        note={
          path &&
          `The sandbox has no organizations: here the client reaches all sample data through the plain FHIR base. ` +
            `In production it reaches only ${path} (and its sub-organizations) through that organization's FHIR base.`
        }
      />
      <EnvironmentPanel
        title="Production"
        environment={environments.production}
        absent={productionAbsent}
        note={path && `Bound to ${path}: the client reaches that organization's and its sub-organizations' data.`}
      />
    </SimpleGrid>
  );
}
