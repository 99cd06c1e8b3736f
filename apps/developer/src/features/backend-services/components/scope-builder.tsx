import {
  Alert,
  Anchor,
  Button,
  Checkbox,
  Code,
  type ComboboxItem,
  type ComboboxLikeRenderOptionInput,
  Group,
  type OptionsFilter,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import {
  broadAccessOf,
  describeBroadAccess,
  describeResourceType,
  FHIR_R4_RESOURCE_TYPES,
  grantsOf,
  type Permission,
  SCOPE_OPERATIONS,
  type ScopeVersion,
  validateScopes,
} from '@payerbox/domain';
import { useState } from 'react';
import {
  emptyRow,
  resourceLabel,
  retick,
  type ScopeDraft,
  type ScopeRow,
  scopeRowProblems,
  scopesOf,
  switchVersion,
  type WidenedRow,
} from './scope-rows.ts';

export { draftFromScopes, emptyRow, type ScopeDraft, type ScopeRow, scopesOf } from './scope-rows.ts';

const RESOURCE_OPTIONS = [
  { value: '*', label: 'All resources' },
  ...FHIR_R4_RESOURCE_TYPES.map((type) => ({ value: type, label: type })),
];

/**
 * A resource option with what its records hold under its name, so a developer can tell Claim from ClaimResponse. The
 * line is hidden from the option's accessible name (which stays the type); the chosen type's line is read out below
 * the select.
 */
const renderResourceOption = ({ option }: ComboboxLikeRenderOptionInput<ComboboxItem>) => (
  <div>
    <Text size="sm">{option.label}</Text>
    <Text size="xs" c="dimmed" aria-hidden>
      {describeResourceType(option.value)}
    </Text>
  </div>
);

/** Typing finds a type by its name or by what it holds: "insurance" offers Coverage and InsurancePlan. */
const filterResources: OptionsFilter = ({ options, search }) => {
  const words = search.trim().toLowerCase();
  if (!words) return options;
  return (options as ComboboxItem[]).filter((option) =>
    `${option.label} ${describeResourceType(option.value) ?? ''}`.toLowerCase().includes(words),
  );
};

const SMART_SCOPES_SPEC = 'https://build.fhir.org/ig/HL7/smart-app-launch/scopes-and-launch-context.html';

const operationLabels = (permissions: readonly Permission[]) =>
  SCOPE_OPERATIONS.filter((o) => permissions.includes(o.permission))
    .map((o) => o.label)
    .join(' and ');

/**
 * The scope builder: scope version, then rows of a resource (or All resources) and the operations Create, Read,
 * Update, Delete, Search, with the resulting scope strings previewed live (subject is always `system`).
 * The ticks always show what the scopes grant: switching to v1 widens them to whole read or write groups, with a
 * notice saying so, rather than asking first (a dialog would interrupt every switch, while the widening is visible,
 * explained and undone by unticking or switching back). Broad scopes get the admin review's warning; a row without a
 * resource or with a resource an earlier row has says so next to it (the form refuses to submit then).
 */
export function ScopeBuilder(props: { value: ScopeDraft; onChange: (draft: ScopeDraft) => void; error?: string }) {
  const { value, onChange } = props;
  const scopes = scopesOf(value);
  const validation = scopes.length ? validateScopes(scopes, value.version) : undefined;
  const broad = validation?.ok ? broadAccessOf(grantsOf(validation.scopes, value.version)) : [];
  const problems = scopeRowProblems(value);
  const [widenedBySwitch, setWidened] = useState<readonly WidenedRow[]>([]);
  // The notice names only the widenings the ticks still show (unticking them answers it).
  const widened = widenedBySwitch.filter((w) =>
    value.rows.some((row) => row.key === w.key && w.added.every((p) => row.permissions.includes(p))),
  );
  const changeVersion = (version: ScopeVersion) => {
    const switched = switchVersion(value, version);
    setWidened(switched.widened);
    onChange(switched.draft);
  };
  const setRow = (key: number, change: Partial<ScopeRow>) =>
    onChange({ ...value, rows: value.rows.map((row) => (row.key === key ? { ...row, ...change } : row)) });

  return (
    <Stack gap="sm">
      <div>
        <Text size="sm" fw={500} id="scope-version-label">
          Scope version
        </Text>
        <SegmentedControl
          aria-labelledby="scope-version-label"
          value={value.version}
          onChange={(version) => changeVersion(version as ScopeVersion)}
          data={[
            { value: 'v2', label: 'v2 (SMART 2.0)' },
            { value: 'v1', label: 'v1 (SMART 1.0)' },
          ]}
        />
        {value.version === 'v1' && (
          <Text size="xs" c="dimmed">
            v1 scopes only say read (Read and Search) or write (Create, Update and Delete).
          </Text>
        )}
        <Anchor href={SMART_SCOPES_SPEC} target="_blank" rel="noreferrer" size="xs">
          SMART scopes specification
        </Anchor>
        {widened.length > 0 && (
          <Alert color="yellow" mt="xs" title="The v1 scopes grant more than was ticked" data-testid="scope-widened">
            {widened.map((w) => `${resourceLabel(w.resource)} also gets ${operationLabels(w.added)}`).join('; ')}. The
            ticks now show everything the v1 scopes grant: untick what the service does not need, or switch back to v2
            for single operations.
          </Alert>
        )}
      </div>
      {value.rows.map((row, index) => (
        <Paper key={row.key} withBorder p="sm">
          <Group align="flex-end" gap="md">
            <Select
              label={`Resource ${index + 1}`}
              placeholder="Choose a FHIR resource"
              data={RESOURCE_OPTIONS}
              value={row.resource}
              onChange={(resource) => setRow(row.key, { resource })}
              error={problems.get(row.key)}
              searchable
              filter={filterResources}
              renderOption={renderResourceOption}
              maxDropdownHeight={320}
              w={240}
            />
            <Checkbox.Group
              label={`Operations on resource ${index + 1}`}
              value={[...row.permissions]}
              onChange={(permissions) =>
                setRow(row.key, { permissions: retick(value.version, row.permissions, permissions as Permission[]) })
              }
            >
              <Group gap="sm" mt={6}>
                {SCOPE_OPERATIONS.map((operation) => (
                  <Checkbox key={operation.permission} value={operation.permission} label={operation.label} />
                ))}
              </Group>
            </Checkbox.Group>
            {value.rows.length > 1 && (
              <Button
                variant="subtle"
                color="red"
                size="xs"
                onClick={() => onChange({ ...value, rows: value.rows.filter((r) => r.key !== row.key) })}
                aria-label={`Remove resource ${index + 1}`}
              >
                Remove
              </Button>
            )}
          </Group>
          {row.resource && (
            <Text size="xs" c="dimmed" mt={6} data-testid="resource-description">
              {describeResourceType(row.resource)}
              {row.resource !== '*' && (
                <>
                  {' · '}
                  <Anchor
                    href={`https://hl7.org/fhir/R4/${row.resource.toLowerCase()}.html`}
                    target="_blank"
                    rel="noreferrer"
                    size="xs"
                    underline="always"
                  >
                    {`${row.resource} in the FHIR R4 specification`}
                  </Anchor>
                </>
              )}
            </Text>
          )}
        </Paper>
      ))}
      <Group>
        <Button variant="light" size="xs" onClick={() => onChange({ ...value, rows: [...value.rows, emptyRow()] })}>
          Add resource
        </Button>
      </Group>
      <div aria-live="polite">
        <Text size="sm" fw={500}>
          Scopes
        </Text>
        {scopes.length ? (
          <Group gap="xs" data-testid="scope-preview">
            {scopes.map((scope) => (
              <Code key={scope}>{scope}</Code>
            ))}
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Choose a resource and at least one operation.
          </Text>
        )}
        {broad.length > 0 && (
          <Alert color="orange" mt="xs" title="Broad access" data-testid="scope-broad">
            These scopes ask for {describeBroadAccess(broad)}. Reviewers look closely at broad access: ask only for what
            the service needs, and say why in the description.
          </Alert>
        )}
        {validation && !validation.ok && (
          <Text size="sm" c="red">
            {validation.problems.map((p) => p.message).join('; ')}
          </Text>
        )}
        {props.error && (
          <Text size="sm" c="red" role="alert">
            {props.error}
          </Text>
        )}
      </div>
    </Stack>
  );
}
