import { Alert, Text } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';

/** What the rejected service's page tells the new draft's page after a copy (the history entry's state). */
export interface CopyNotice {
  /** The name of the rejected service the draft was copied from. */
  readonly copiedFrom: string;
  /** The reason the source carries, with its title ("Reason given by the reviewer"), to address in the draft. */
  readonly reason: { readonly title: string; readonly text: string } | null;
}

export function isCopyNotice(state: unknown): state is CopyNotice {
  return typeof (state as Partial<CopyNotice> | null)?.copiedFrom === 'string';
}

/** Says that the draft is a new service with the source's configuration, and what to do with it before submitting. */
export function CopiedFromNotice(props: { notice: CopyNotice; service: BackendService }) {
  const { notice, service } = props;
  return (
    <Alert role="status" color="blue" title={`Copied from "${notice.copiedFrom}"`} data-testid="copied-from">
      <Text size="sm">
        This draft is a new service with that one's configuration and its own client id
        {service.authMethod === 'client_secret' ? ' and client secret' : ''}; the rejected service stays as it was. Edit
        the draft to change what needs changing, try it in the sandbox, then submit it for review.
      </Text>
      {notice.reason && (
        <Text size="sm" mt={4}>
          {notice.reason.title}: {notice.reason.text}
        </Text>
      )}
    </Alert>
  );
}
