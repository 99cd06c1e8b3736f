import { Code, Group, Stack, Table, Text } from '@mantine/core';
import type { ChangedField, ChangeRequest } from '@payerbox/api-client';
import { fieldHeading, valueLabel } from '../event-description.ts';
import { ScrollTable } from './scroll-table.tsx';
import { type Tone, ToneBadge } from './status-badge.tsx';

/** The product's names of a change request's states. */
export const CHANGE_REQUEST_STATUS_LABELS: Record<ChangeRequest['status'], string> = {
  pending: 'Pending review',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
};

const CHANGE_REQUEST_TONES: Record<ChangeRequest['status'], Tone> = {
  pending: 'yellow',
  approved: 'green',
  rejected: 'red',
  withdrawn: 'gray',
};

/** A change request's state as a badge. */
export function ChangeRequestBadge(props: { status: ChangeRequest['status'] }) {
  return <ToneBadge tone={CHANGE_REQUEST_TONES[props.status]}>{CHANGE_REQUEST_STATUS_LABELS[props.status]}</ToneBadge>;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The scopes a change adds and removes (a scope list is a set: what changed is what came and went). */
export function scopeDifference(change: Pick<ChangedField, 'from' | 'to'>) {
  const before = strings(change.from);
  const after = strings(change.to);
  return { added: after.filter((s) => !before.includes(s)), removed: before.filter((s) => !after.includes(s)) };
}

/** One side of a scope list: each scope, the ones only on this side marked (in words, not only in colour). */
function ScopeList(props: { scopes: string[]; marked: readonly string[]; mark: 'Added' | 'Removed' }) {
  if (props.scopes.length === 0) return <Text size="sm">none</Text>;
  return (
    <Stack gap={4}>
      {props.scopes.map((scope) => (
        <Group key={scope} gap={6} wrap="nowrap">
          <Code>{scope}</Code>
          {props.marked.includes(scope) && (
            <ToneBadge tone={props.mark === 'Added' ? 'green' : 'red'}>{props.mark}</ToneBadge>
          )}
        </Group>
      ))}
    </Stack>
  );
}

function Value(props: { value: unknown }) {
  const text = valueLabel(props.value);
  return text === 'none' ? (
    <Text size="sm">none</Text>
  ) : (
    <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
      {text}
    </Text>
  );
}

/**
 * A change's before → after, field by field: the approved value and the proposed one; for scopes both lists, the
 * scopes removed and added marked.
 */
export function ChangeDiff(props: { changes: readonly ChangedField[]; label?: string }) {
  return (
    <ScrollTable withTableBorder aria-label={props.label ?? 'Changes'}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Approved (now)</Table.Th>
          <Table.Th>Proposed</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.changes.map((change) => {
          const scopes = change.field === 'scopes' ? scopeDifference(change) : undefined;
          return (
            <Table.Tr key={change.field} data-field={change.field}>
              <Table.Th scope="row">{fieldHeading(change.field)}</Table.Th>
              <Table.Td>
                {scopes ? (
                  <ScopeList scopes={strings(change.from)} marked={scopes.removed} mark="Removed" />
                ) : (
                  <Value value={change.from} />
                )}
              </Table.Td>
              <Table.Td>
                {scopes ? (
                  <ScopeList scopes={strings(change.to)} marked={scopes.added} mark="Added" />
                ) : (
                  <Value value={change.to} />
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </ScrollTable>
  );
}
