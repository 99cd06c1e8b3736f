import { Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

/** A small Copy button named after what it copies ("Copy Token URL"); says Copied for a moment after. */
function CopyAction(props: { label: string; value: string }) {
  return (
    <CopyButton value={props.value}>
      {({ copied, copy }) => (
        <Button size="compact-xs" variant="light" onClick={copy} aria-label={`Copy ${props.label}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      )}
    </CopyButton>
  );
}

/** A labelled value in monospace with a Copy button. */
export function CopyValue(props: { label: string; value: string }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500} component="div">
        {props.label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code style={{ flex: 1, wordBreak: 'break-all' }} aria-label={props.label}>
          {props.value}
        </Code>
        <CopyAction label={props.label} value={props.value} />
      </Group>
    </Stack>
  );
}

/** A block of code (an example command or script) with a Copy button. */
export function CopyBlock(props: { label: string; code: string }) {
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" fw={500} component="div">
          {props.label}
        </Text>
        <CopyAction label={props.label} value={props.code} />
      </Group>
      <Code block aria-label={props.label} tabIndex={0}>
        {props.code}
      </Code>
    </Stack>
  );
}
