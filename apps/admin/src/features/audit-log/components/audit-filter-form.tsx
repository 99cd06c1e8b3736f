import { Box, Button, Group, NativeSelect, TextInput } from '@mantine/core';
import { actionLabel } from '@payerbox/web-kit';
import { type FormEvent, useState } from 'react';
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditView,
  hasFilters,
  NO_FILTERS,
  paramsFromView,
} from '../api/queries.ts';

const ACTION_OPTIONS = [
  { value: '', label: 'Any action' },
  ...AUDIT_ACTIONS.map((action) => ({ value: action, label: actionLabel(action) })),
];

// Full width on a phone, side by side from the small breakpoint on.
const FIELD_WIDTH = { base: '100%', xs: 220 };
// A client id is `bs-` and 32 hex digits: room for all of it.
const CLIENT_ID_WIDTH = { base: '100%', xs: 330 };
const DAY_WIDTH = { base: '100%', xs: 170 };

/**
 * The audit log's filters as a form: nothing is asked of the API until it is applied (Enter or "Apply filters"), so
 * each applied set of filters is one step in the browser's history. On a phone the six fields would fill the first
 * screen before the table starts, so there they are folded behind a button that says how many filters apply.
 */
export function AuditFilterForm(props: { view: AuditView; onApply: (view: AuditView) => void }) {
  const [draft, setDraft] = useState(props.view);
  const [rangeError, setRangeError] = useState<string | undefined>();
  const [unfolded, setUnfolded] = useState(false);
  const applied = paramsFromView(props.view).size;
  // When the address changes (Back, a row's "Only this …", a link), the fields show its filters. Adjusted while
  // rendering rather than by remounting, so that the button that applied them keeps the keyboard focus.
  const shown = paramsFromView(props.view).toString();
  const [shownBefore, setShownBefore] = useState(shown);
  if (shown !== shownBefore) {
    setShownBefore(shown);
    setDraft(props.view);
    setRangeError(undefined);
  }
  const set = (field: keyof AuditView) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setDraft((current) => ({ ...current, [field]: value }));
    if (field === 'fromDay' || field === 'toDay') setRangeError(undefined);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // yyyy-mm-dd compares as text in calendar order.
    if (draft.fromDay && draft.toDay && draft.toDay < draft.fromDay) {
      setRangeError('The end date is before the start date; choose a day on or after it.');
      return;
    }
    props.onApply(draft);
  };

  return (
    <form onSubmit={submit} aria-label="Filter the audit log" noValidate>
      <Button
        hiddenFrom="xs"
        variant="default"
        aria-expanded={unfolded}
        aria-controls="audit-filter-fields"
        onClick={() => setUnfolded(!unfolded)}
        mb={unfolded ? 'sm' : 0}
      >
        {unfolded ? 'Hide filters' : applied > 0 ? `Show filters (${applied} applied)` : 'Show filters'}
      </Button>
      {/* Always shown from the small breakpoint on; on a phone only once unfolded. */}
      <Box id="audit-filter-fields" {...(!unfolded && { visibleFrom: 'xs' as const })}>
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Service name"
            description="Part of the name"
            value={draft.service}
            onChange={set('service')}
            maxLength={200}
            w={FIELD_WIDTH}
          />
          <TextInput
            label="Client id"
            description="The whole client id"
            value={draft.clientId}
            onChange={set('clientId')}
            maxLength={200}
            w={CLIENT_ID_WIDTH}
          />
          <TextInput
            label="Actor e-mail"
            description="Part of the address"
            value={draft.actorEmail}
            onChange={set('actorEmail')}
            maxLength={254}
            w={FIELD_WIDTH}
          />
          <NativeSelect
            label="Action"
            description="What happened"
            data={ACTION_OPTIONS}
            value={draft.action}
            onChange={(event) => setDraft({ ...draft, action: event.currentTarget.value as AuditAction | '' })}
            w={FIELD_WIDTH}
          />
          <TextInput
            label="From"
            description="First day"
            type="date"
            value={draft.fromDay}
            onChange={set('fromDay')}
            w={DAY_WIDTH}
          />
          <TextInput
            label="To"
            description="Last day"
            type="date"
            value={draft.toDay}
            onChange={set('toDay')}
            error={rangeError}
            w={DAY_WIDTH}
          />
        </Group>
        <Group gap="sm" mt="sm">
          <Button type="submit">Apply filters</Button>
          {hasFilters(props.view) && (
            <Button variant="default" onClick={() => props.onApply(NO_FILTERS)}>
              Clear filters
            </Button>
          )}
        </Group>
      </Box>
    </form>
  );
}
