import { Button, Checkbox, Code, Group, Paper, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import {
  buildScope,
  FHIR_R4_RESOURCE_TYPES,
  grantsOf,
  type Permission,
  SCOPE_OPERATIONS,
  type ScopeVersion,
  validateScopes,
} from '@payerbox/domain';

export interface ScopeRow {
  readonly key: number;
  readonly resource: string | null;
  readonly permissions: readonly Permission[];
}

export interface ScopeDraft {
  readonly version: ScopeVersion;
  readonly rows: readonly ScopeRow[];
}

const RESOURCE_OPTIONS = [
  { value: '*', label: 'All resources' },
  ...FHIR_R4_RESOURCE_TYPES.map((type) => ({ value: type, label: type })),
];

let nextKey = 1;
export const emptyRow = (): ScopeRow => ({ key: nextKey++, resource: null, permissions: [] });

/** The builder's rows for stored scopes (an edit starts from what the service has). */
export function draftFromScopes(scopes: readonly string[], version: ScopeVersion): ScopeDraft {
  const grants = grantsOf(scopes, version);
  return {
    version,
    rows: grants.length ? grants.map((g) => ({ key: nextKey++, ...g })) : [emptyRow()],
  };
}

/** The scope strings the rows produce (the live preview, and what is sent). */
export function scopesOf(draft: ScopeDraft): string[] {
  const scopes = draft.rows.flatMap((row) => {
    const scope = row.resource ? buildScope(draft.version, row.resource, row.permissions) : undefined;
    return scope ? [scope] : [];
  });
  return [...new Set(scopes)];
}

/**
 * The scope builder: scope version, then rows of a resource (or All resources) and the operations Create, Read,
 * Update, Delete, Search, with the resulting scope strings previewed live (subject is always `system`).
 */
export function ScopeBuilder(props: { value: ScopeDraft; onChange: (draft: ScopeDraft) => void; error?: string }) {
  const { value, onChange } = props;
  const scopes = scopesOf(value);
  const validation = scopes.length ? validateScopes(scopes, value.version) : undefined;
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
          onChange={(version) => onChange({ ...value, version: version as ScopeVersion })}
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
              searchable
              w={240}
            />
            <Checkbox.Group
              label={`Operations on resource ${index + 1}`}
              value={[...row.permissions]}
              onChange={(permissions) => setRow(row.key, { permissions: permissions as Permission[] })}
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
