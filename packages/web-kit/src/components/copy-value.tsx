import { Button, Code, Group, Stack, Text } from '@mantine/core';
import { useClipboard } from '@mantine/hooks';
import { useEffect } from 'react';

/**
 * A small Copy button named after what it copies ("Copy Token URL"); says Copied for a moment after. `onCopied` runs
 * only once the clipboard took the value (a refused clipboard is not a copy).
 */
export function CopyAction(props: { label: string; value: string; onCopied?: (() => void) | undefined }) {
  const clipboard = useClipboard({ timeout: 1500 });
  const { onCopied } = props;
  useEffect(() => {
    if (clipboard.copied) onCopied?.();
  }, [clipboard.copied, onCopied]);
  return (
    <Button
      size="compact-xs"
      variant="light"
      onClick={() => clipboard.copy(props.value)}
      aria-label={`Copy ${props.label}`}
    >
      {clipboard.copied ? 'Copied' : 'Copy'}
    </Button>
  );
}

/** A labelled value in monospace with a Copy button. */
export function CopyValue(props: { label: string; value: string; onCopied?: () => void }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500} component="div">
        {props.label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code style={{ flex: 1, wordBreak: 'break-all' }} aria-label={props.label}>
          {props.value}
        </Code>
        <CopyAction label={props.label} value={props.value} onCopied={props.onCopied} />
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
