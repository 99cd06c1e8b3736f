import { Alert, Group, Table, Text } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { broadAccessOf, describeBroadAccess, grantsOf, SCOPE_OPERATIONS, WRITE_PERMISSIONS } from '@payerbox/domain';
import { ScrollTable, ToneBadge } from '@payerbox/web-kit';

/**
 * The scopes as a resource by operation matrix. Broad grants are highlighted: a wildcard resource type (every
 * resource) and any write or delete access.
 */
export function ScopeMatrix(props: { service: BackendService }) {
  const grants = grantsOf(props.service.scopes, props.service.scopeVersion);
  const broad = broadAccessOf(grants);
  return (
    <>
      {broad.length > 0 && (
        <Alert color="orange" title="Broad access requested">
          {describeBroadAccess(broad)}. Check that the description justifies it.
        </Alert>
      )}
      <ScrollTable withTableBorder aria-label="Scopes by resource and operation">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Resource</Table.Th>
            {SCOPE_OPERATIONS.map((operation) => (
              <Table.Th key={operation.permission}>{operation.label}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {grants.map((grant) => (
            <Table.Tr key={grant.resource}>
              <Table.Th scope="row">
                {grant.resource === '*' ? (
                  <Group gap="xs">
                    All resources <ToneBadge tone="red">Wildcard</ToneBadge>
                  </Group>
                ) : (
                  grant.resource
                )}
              </Table.Th>
              {SCOPE_OPERATIONS.map(({ permission, label }) => {
                const granted = grant.permissions.includes(permission);
                const broad = granted && WRITE_PERMISSIONS.includes(permission);
                return (
                  <Table.Td key={permission} data-broad={broad || undefined}>
                    {granted ? (
                      broad ? (
                        <ToneBadge tone="red">{`${label}: yes`}</ToneBadge>
                      ) : (
                        <Text size="sm">Yes</Text>
                      )
                    ) : (
                      <Text size="sm" c="dimmed" aria-label="No">
                        —
                      </Text>
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </ScrollTable>
    </>
  );
}
