import { Alert, Button, Modal, Stack, Text } from '@mantine/core';
import { CopyValue } from './copy-value.tsx';

/**
 * Shows credentials that exist only in this response (a client secret, an API token) with copy buttons and a plain
 * warning. The values live only in the props: never in the query cache, the URL or storage.
 */
export function ShownOnceDialog(props: {
  opened: boolean;
  title: string;
  warning: string;
  explanation: string;
  values: readonly { label: string; value: string }[];
  acknowledge: string;
  onClose: () => void;
}) {
  return (
    <Modal
      opened={props.opened}
      onClose={props.onClose}
      title={props.title}
      size="lg"
      closeOnClickOutside={false}
      centered
    >
      <Stack>
        <Alert color="orange" title={props.warning} role="alert">
          <Text size="sm">{props.explanation}</Text>
        </Alert>
        {props.values.map(({ label, value }) => (
          <CopyValue key={label} label={label} value={value} />
        ))}
        <Button onClick={props.onClose} data-autofocus>
          {props.acknowledge}
        </Button>
      </Stack>
    </Modal>
  );
}
