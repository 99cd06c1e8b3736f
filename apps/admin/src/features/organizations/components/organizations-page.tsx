import { Alert, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import {
  ErrorAlert,
  formatDateTime,
  type OrganizationNode,
  organizationsQuery,
  QueryView,
  unwrap,
  useApi,
} from '@payerbox/web-kit';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

function OrganizationTree(props: { nodes: readonly OrganizationNode[] }) {
  return (
    <List listStyleType="disc" withPadding>
      {props.nodes.map((node) => (
        <List.Item key={node.id}>
          <Text span fw={500}>
            {node.name}
          </Text>{' '}
          <Text span size="sm" c="dimmed" ff="monospace">
            {node.id}
          </Text>
          {node.children.length > 0 && <OrganizationTree nodes={node.children} />}
        </List.Item>
      ))}
    </List>
  );
}

/** The OrgBAC hierarchy read from the production Aidbox, and a refresh after organizations change there. */
export function OrganizationsPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const organizations = useQuery(organizationsQuery(api));
  const refresh = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/admin/organizations/refresh')),
    onSuccess: (fresh) => queryClient.setQueryData(organizationsQuery(api).queryKey, fresh),
  });
  return (
    <Stack>
      <Title order={1}>Organizations</Title>
      <QueryView query={organizations} label="the organizations">
        {(data) =>
          data.enabled ? (
            <Stack>
              <Group>
                <Text size="sm" c="dimmed">
                  Read from the production Aidbox {formatDateTime(data.refreshedAt)}.
                </Text>
                <Button size="xs" variant="light" loading={refresh.isPending} onClick={() => refresh.mutate()}>
                  Refresh from Aidbox
                </Button>
              </Group>
              {refresh.isError && <ErrorAlert error={refresh.error} title="Refresh failed; the list below is kept" />}
              {data.organizations.length ? (
                <OrganizationTree nodes={data.organizations} />
              ) : (
                <Text c="dimmed">The production Aidbox has no organizations.</Text>
              )}
            </Stack>
          ) : (
            <Alert color="gray">
              This deployment does not use organizations (OrgBAC is off): services are not bound to an organization.
            </Alert>
          )
        }
      </QueryView>
    </Stack>
  );
}
