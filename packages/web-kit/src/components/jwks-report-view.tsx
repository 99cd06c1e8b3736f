import { Alert, List, Stack, Table, Text } from '@mantine/core';
import type { JwksReport } from '@payerbox/api-client';
import { formatDateTime } from '../format.ts';
import { ScrollTable } from './scroll-table.tsx';
import { type Tone, ToneBadge } from './status-badge.tsx';

type KeyReport = JwksReport['keys'][number];

function keySize(key: KeyReport): string {
  if (key.bits) return `${key.bits} bits`;
  return key.curve ?? '—';
}

/** Where the key can sign assertions: every environment advertises its algorithm, or only some do. */
function verdictOf(key: KeyReport): { label: string; tone: Tone } {
  if (key.problems.length > 0) return { label: 'Invalid', tone: 'red' };
  if (!key.usable) return { label: 'Ignored', tone: 'gray' };
  const { sandbox, production } = key.usableIn;
  if (sandbox && production) return { label: 'Usable', tone: 'green' };
  return { label: sandbox ? 'Sandbox only' : 'Production only', tone: 'yellow' };
}

/**
 * The JWKS check's report: a failing set leads with its worst problem as the API words it (a published private key
 * before anything else), then the others, then key by key what the token server will accept and why a key is refused
 * or ignored.
 */
export function JwksReportView(props: { report: JwksReport }) {
  const { report } = props;
  const passed = report.verdict === 'pass';
  const [headline, ...others] = report.findings;
  return (
    <Stack gap="xs" aria-label="JWKS check report" component="section">
      <Alert
        color={passed ? 'green' : 'red'}
        title={passed ? 'The key set passes' : (headline?.message ?? 'The key set fails')}
      >
        {others.length > 0 && (
          <List size="sm" aria-label="More problems" mb="xs">
            {others.map((finding) => (
              <List.Item key={finding.message}>{finding.message}</List.Item>
            ))}
          </List>
        )}
        <Text size="sm">
          Checked {formatDateTime(report.checkedAt)}: HTTP {report.httpStatus ?? 'no answer'}
          {report.contentType ? `, ${report.contentType}` : ''}
          {report.cacheControl ? `, Cache-Control ${report.cacheControl}` : ''}.
        </Text>
      </Alert>
      {report.keys.length > 0 && (
        <ScrollTable withTableBorder striped aria-label="Keys in the key set">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Key</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Algorithm</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Verdict</Table.Th>
              <Table.Th>Findings</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {report.keys.map((key) => (
              <Table.Tr key={key.index}>
                <Table.Td>{key.kid ?? `#${key.index + 1}`}</Table.Td>
                <Table.Td>{key.kty ?? '—'}</Table.Td>
                <Table.Td>{key.alg ?? '—'}</Table.Td>
                <Table.Td>{keySize(key)}</Table.Td>
                <Table.Td>
                  <ToneBadge tone={verdictOf(key).tone}>{verdictOf(key).label}</ToneBadge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{[...key.problems, ...key.notes].join('; ') || '—'}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </ScrollTable>
      )}
    </Stack>
  );
}
