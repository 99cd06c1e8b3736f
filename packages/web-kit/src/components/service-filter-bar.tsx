import { Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { BackendService } from '@payerbox/api-client';
import { useState } from 'react';
import { STATUS_LABELS } from './status-badge.tsx';

type ServiceStatus = BackendService['status'];

/** What a service list asks the API for: `?status=` and `?q=`. */
export interface ServiceListFilter {
  readonly status?: ServiceStatus;
  readonly q?: string;
}

const STATUS_OPTIONS = [
  { value: 'all', label: 'All statuses' },
  ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
];

/** What the search box and status select show, how they change, and the filter they amount to. */
export interface ServiceListFilterState {
  readonly status: string;
  setStatus(status: string): void;
  readonly search: string;
  setSearch(search: string): void;
  readonly filter: ServiceListFilter;
}

/** The state of a search box and status filter; the search reaches the filter 300 ms after the last keystroke. */
export function useServiceListFilter(): ServiceListFilterState {
  const [status, setStatus] = useState('all');
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const filter: ServiceListFilter = {
    ...(status !== 'all' && { status: status as ServiceStatus }),
    ...(q && { q }),
  };
  return { status, setStatus, search, setSearch, filter };
}

/** The search box and status select above a list of services. */
export function ServiceFilterBar(props: { state: ServiceListFilterState; searchLabel: string; placeholder: string }) {
  const { state } = props;
  return (
    <Group align="flex-end">
      <TextInput
        label={props.searchLabel}
        placeholder={props.placeholder}
        value={state.search}
        onChange={(e) => state.setSearch(e.currentTarget.value)}
        w={320}
      />
      <Select
        label="Status"
        data={STATUS_OPTIONS}
        value={state.status}
        onChange={(value) => state.setStatus(value ?? 'all')}
        allowDeselect={false}
        w={200}
      />
    </Group>
  );
}
