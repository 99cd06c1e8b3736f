import { Code, Group, Text } from '@mantine/core';
import { supportReference } from '../api-error.ts';
import { CopyAction } from './copy-value.tsx';

/**
 * "Reference: <request id> – quote it when you contact support", with a Copy button, under every error the portal
 * answered: the id is what the portal's logs file the failed request under, so support finds it without guessing.
 * Renders nothing for an error without one (the portal could not be reached).
 */
export function SupportReference(props: { error: unknown }) {
  const id = supportReference(props.error);
  if (id === undefined) return null;
  return (
    <Group gap="xs" wrap="wrap" data-support-reference={id}>
      <Text size="sm">
        Reference: <Code>{id}</Code> – quote it when you contact support.
      </Text>
      <CopyAction label="reference" value={id} />
    </Group>
  );
}
