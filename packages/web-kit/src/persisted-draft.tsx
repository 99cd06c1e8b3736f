import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { formatDateTime } from './format.ts';
import { useSession } from './session.tsx';

/** How long before the session's end a form with unsent input warns. */
const WARN_BEFORE_MS = 10 * 60_000;

/**
 * A form's unsent input, kept in this tab's sessionStorage so that it survives the sign-in round trip when the session
 * ends while the form is open. Callers store only what the user typed, never a secret (a client secret or API token
 * value is never part of a draft).
 */
export interface PersistedDraft<T> {
  /** What was kept from an earlier visit of the form, until the user discards it or the form is sent. */
  readonly restored: T | undefined;
  /** Changes when the user discards the draft: use it as the form's `key` so the form starts over from its initial values. */
  readonly generation: number;
  /** Whether the form holds input that differs from its initial values. */
  readonly dirty: boolean;
  /** Keeps `value`, or forgets the draft when `value` is the form's initial state. */
  save(value: T): void;
  /** Forgets the draft: the form was sent successfully or cancelled. */
  clear(): void;
  /** Forgets the draft and starts the form over. */
  discard(): void;
}

function read<T>(key: string): T | undefined {
  try {
    const text = sessionStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as T);
  } catch {
    // Storage turned off or a value that is not ours: there is nothing to restore.
    return undefined;
  }
}

function write(key: string, text: string | undefined): void {
  try {
    if (text === undefined) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, text);
  } catch {
    // A full or disabled storage only loses the convenience, never the form itself.
  }
}

/**
 * The draft of form `form` (e.g. `register-service`, `edit-service:<id>`) for the signed-in user, whose input
 * `initial` is when nothing was typed. Keyed by user as well, so another account signing in on this tab never sees it.
 */
export function usePersistedDraft<T>(form: string, initial: T): PersistedDraft<T> {
  const { user } = useSession();
  const key = `payerbox:draft:${user.id}:${form}`;
  const initialText = useMemo(() => JSON.stringify(initial), [initial]);
  const [restored, setRestored] = useState<T | undefined>(() => read<T>(key));
  const [generation, setGeneration] = useState(0);
  const [dirty, setDirty] = useState(restored !== undefined);

  const save = useCallback(
    (value: T) => {
      const text = JSON.stringify(value);
      const changed = text !== initialText;
      write(key, changed ? text : undefined);
      setDirty(changed);
    },
    [key, initialText],
  );
  const clear = useCallback(() => {
    write(key, undefined);
    setRestored(undefined);
    setDirty(false);
  }, [key]);
  const discard = useCallback(() => {
    clear();
    setGeneration((n) => n + 1);
  }, [clear]);
  return { restored, generation, dirty, save, clear, discard };
}

/** Whether the session ends within {@link WARN_BEFORE_MS}; turns true on its own when that time comes. */
function useSessionEndingSoon(): boolean {
  const { expiresAt } = useSession();
  const warnAt = new Date(expiresAt).getTime() - WARN_BEFORE_MS;
  const [soon, setSoon] = useState(() => Date.now() >= warnAt);
  useEffect(() => {
    const wait = warnAt - Date.now();
    if (wait <= 0) {
      setSoon(true);
      return;
    }
    setSoon(false);
    // Timers cannot wait longer than about 24.8 days; sessions are shorter than that.
    const timer = setTimeout(() => setSoon(true), Math.min(wait, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [warnAt]);
  return soon;
}

/**
 * What a form with a draft shows above its fields: that input was restored after signing in again (with a way to
 * discard it), and, while the form holds unsent input, that the session is about to end.
 */
export function DraftNotices<T>(props: { draft: PersistedDraft<T> }) {
  const { draft } = props;
  const { expiresAt } = useSession();
  const endingSoon = useSessionEndingSoon();
  if (!draft.restored && !(draft.dirty && endingSoon)) return null;
  return (
    <Stack gap="xs">
      {draft.restored && (
        <Alert color="blue" title="Restored what you had typed">
          <Group justify="space-between" gap="xs">
            <Text size="sm">
              This form was not sent yet (for example because your session ended); check it and send it, or discard it.
            </Text>
            <Button size="compact-sm" variant="default" onClick={draft.discard}>
              Discard
            </Button>
          </Group>
        </Alert>
      )}
      {draft.dirty && endingSoon && (
        <Alert color="yellow" title="Your session ends soon">
          Your session ends at {formatDateTime(expiresAt)}. Send this form before then; if you are signed out, what you
          typed here comes back after you sign in again.
        </Alert>
      )}
    </Stack>
  );
}
