import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { CopyValue } from './copy-value.tsx';

/** A value the dialog shows; `once` marks the one that cannot be shown again (the secret, the token). */
export interface ShownValue {
  readonly label: string;
  readonly value: string;
  readonly once?: boolean;
}

/**
 * Shows credentials that exist only in this response (a client secret, an API token) with copy buttons and a plain
 * warning. The values live only in the props: never in the query cache, the URL or storage.
 *
 * Closing loses the value for good, so the dialog closes only through its acknowledgement button, which is enabled
 * once every shown-once value was copied or the confirmation is ticked. It has no X and ignores clicks outside; Escape
 * asks whether to close without saving (a second Escape goes back to the value).
 */
export function ShownOnceDialog(props: {
  opened: boolean;
  title: string;
  warning: string;
  explanation: string;
  values: readonly ShownValue[];
  /** The acknowledgement button's text, e.g. "I have saved the secret". */
  acknowledge: string;
  /** The confirmation checkbox's text, e.g. "I have stored the client secret somewhere safe". */
  confirmation: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState<readonly string[]>([]);
  const [ticked, setTicked] = useState(false);
  const [asking, setAsking] = useState(false);
  const stayButton = useRef<HTMLButtonElement>(null);

  // A new value (another rotation, another token) must be acknowledged anew.
  useEffect(() => {
    if (!props.opened) {
      setCopied([]);
      setTicked(false);
      setAsking(false);
    }
  }, [props.opened]);
  useEffect(() => {
    if (asking) stayButton.current?.focus();
  }, [asking]);
  const markCopied = useCallback(
    (label: string) => setCopied((labels) => (labels.includes(label) ? labels : [...labels, label])),
    [],
  );

  const mustCopy = props.values.filter((value) => value.once);
  const acknowledged = ticked || (mustCopy.length > 0 && mustCopy.every((value) => copied.includes(value.label)));
  const { onClose } = props;

  return (
    <Modal
      opened={props.opened}
      // Mantine calls this only for Escape here: there is no X, and clicks outside are ignored.
      onClose={() => setAsking((open) => !open)}
      title={props.title}
      size="lg"
      closeOnClickOutside={false}
      withCloseButton={false}
      centered
    >
      <Stack>
        <Alert color="orange" title={props.warning}>
          <Text size="sm">{props.explanation}</Text>
        </Alert>
        {props.values.map(({ label, value }) => (
          <CopyValue key={label} label={label} value={value} onCopied={() => markCopied(label)} />
        ))}
        {asking ? (
          <Alert color="red" title="Close without saving?" role="alert">
            <Stack gap="sm">
              <Text size="sm">
                The portal cannot show this again. Close only if you have stored it, or if you do not need it.
              </Text>
              <Group>
                <Button ref={stayButton} variant="default" onClick={() => setAsking(false)}>
                  Go back
                </Button>
                <Button color="red" onClick={onClose}>
                  Close without saving
                </Button>
              </Group>
            </Stack>
          </Alert>
        ) : (
          <Stack gap="xs">
            <Checkbox
              label={props.confirmation}
              checked={ticked}
              onChange={(event) => setTicked(event.currentTarget.checked)}
            />
            <Button onClick={onClose} disabled={!acknowledged}>
              {props.acknowledge}
            </Button>
            {!acknowledged && <Text size="sm">Copy the value or tick the box above to close this dialog.</Text>}
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}
