import { Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

/** A labelled value in monospace with a Copy button named after it ("Copy Token URL"). */
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
        <CopyButton value={props.value}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="light" onClick={copy} aria-label={`Copy ${props.label}`}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
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
        <CopyButton value={props.code}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="light" onClick={copy} aria-label={`Copy ${props.label}`}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block aria-label={props.label} tabIndex={0}>
        {props.code}
      </Code>
    </Stack>
  );
}
