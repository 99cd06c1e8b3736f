import { useDebouncedValue } from '@mantine/hooks';
import type { BackendService } from '@payerbox/api-client';
import { type ServiceListFilterState, STATUS_LABELS } from '@payerbox/web-kit';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';

type ServiceStatus = BackendService['status'];

function isStatus(value: string | null): value is ServiceStatus {
  return value !== null && Object.hasOwn(STATUS_LABELS, value);
}

/**
 * The dashboard's search and status filter, kept in the address (`?q=claims&status=draft`) so that a reload, a shared
 * link and Back from a service show the same list. The box keeps what is typed; the address and the list follow 300 ms
 * after the last keystroke. Each change replaces the history entry: Back leaves the dashboard rather than undoing
 * keystrokes.
 */
export function useDashboardFilter(): ServiceListFilterState {
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(() => params.get('q') ?? '');
  const [q] = useDebouncedValue(search.trim(), 300);
  const requested = params.get('status');
  const status = isStatus(requested) ? requested : undefined;

  const setParam = (name: 'q' | 'status', value: string | undefined) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      // Filtering keeps the list where the developer is looking.
      { replace: true, preventScrollReset: true },
    );

  const shownQ = params.get('q') ?? '';
  // What this hook last wrote, so that its own update of the address never resets the box under a faster typist.
  const writtenQ = useRef(shownQ);
  useEffect(() => {
    if (q === shownQ) return;
    writtenQ.current = q;
    void setParam('q', q);
  }, [q]);
  // The address changed under the box (the Backend Services link, Back within the dashboard): the box follows it.
  useEffect(() => {
    if (shownQ !== writtenQ.current) {
      writtenQ.current = shownQ;
      setSearch(shownQ);
    }
  }, [shownQ]);

  return {
    status: status ?? 'all',
    setStatus: (value) => void setParam('status', isStatus(value) ? value : undefined),
    search,
    setSearch,
    filter: { ...(status && { status }), ...(q && { q }) },
  };
}
