import { Checkbox, Stack, Text, TextInput } from '@mantine/core';
import { describeWebhookEvent, WEBHOOK_EVENT_TYPES } from '@payerbox/domain';

export interface WebhookDraft {
  readonly url: string;
  readonly events: readonly string[];
}

/** The checks the browser makes before sending, with the sentences the API's refusals would get. */
export function webhookDraftErrors(draft: WebhookDraft): { url?: string; events?: string } {
  return {
    ...(draft.url.trim() === '' && { url: 'Enter the URL that receives the events.' }),
    ...(draft.events.length === 0 && { events: 'Pick at least one event to send.' }),
  };
}

/** The endpoint's URL and the events it receives, each named with a sentence saying when it is sent. */
export function WebhookFields(props: {
  draft: WebhookDraft;
  onChange: (draft: WebhookDraft) => void;
  errors: { url?: string | undefined; events?: string | undefined };
}) {
  const { draft, onChange, errors } = props;
  return (
    <Stack gap="sm">
      <TextInput
        label="Endpoint URL"
        description="https; the portal POSTs each event there as signed JSON"
        placeholder="https://hooks.example.com/payerbox"
        required
        type="url"
        value={draft.url}
        onChange={(event) => onChange({ ...draft, url: event.currentTarget.value })}
        error={errors.url}
      />
      <Checkbox.Group
        label="Events"
        description="Events about your own services only"
        required
        value={[...draft.events]}
        onChange={(events) => onChange({ ...draft, events })}
        error={errors.events}
      >
        <Stack gap={6} mt={6}>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <Checkbox
              key={type}
              value={type}
              label={
                <Text size="sm" ff="monospace" span>
                  {type}
                </Text>
              }
              description={describeWebhookEvent(type)}
              // The sentences wrap in a narrow window instead of widening the page.
              styles={{ body: { minWidth: 0 }, labelWrapper: { minWidth: 0, flex: 1 } }}
            />
          ))}
        </Stack>
      </Checkbox.Group>
    </Stack>
  );
}
