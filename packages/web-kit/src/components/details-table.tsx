import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** Label and value rows of one thing (a service's details), as a vertical table with header cells. */
export function DetailsTable(props: { label: string; rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <Table variant="vertical" withTableBorder aria-label={props.label}>
      <Table.Tbody>
        {props.rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={180}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
