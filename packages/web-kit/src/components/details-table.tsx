import { Table } from '@mantine/core';
import type { ReactNode } from 'react';
import { ScrollTable } from './scroll-table.tsx';

/**
 * Label and value rows of one thing (a service's details), as a vertical table with header cells. Long values (client
 * ids, URLs) may break anywhere, so the table fits a phone instead of scrolling.
 */
export function DetailsTable(props: { label: string; rows: readonly (readonly [string, ReactNode])[] }) {
  return (
    <ScrollTable variant="vertical" withTableBorder aria-label={props.label}>
      <Table.Tbody>
        {props.rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={{ base: 110, sm: 180 }}>{label}</Table.Th>
            <Table.Td style={{ overflowWrap: 'anywhere' }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </ScrollTable>
  );
}
