import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import type { BackendService } from '@payerbox/api-client';
import { Link } from 'react-router';

/**
 * What the developer can do with a Rejected service: it cannot be edited or submitted again, so the way forward is a
 * new service started from this one's configuration. A service that had a production client was deactivated after
 * going live rather than declined at review, and the page says which.
 */
export function RejectedNextSteps(props: { service: BackendService }) {
  const { service } = props;
  const wasLive = service.environments.production !== null;
  return (
    <Alert color="gray" title="What you can do now" data-testid="rejected-next-steps">
      <Stack gap="xs">
        {wasLive ? (
          <Text size="sm">
            An administrator deactivated this service after it went live: its clients get no tokens in the sandbox or in
            production, and it cannot be switched back on. If you think this is a mistake, contact the portal's
            administrators and quote its client id <Code>{service.clientId}</Code>.
          </Text>
        ) : (
          <Text size="sm">
            A rejected service cannot be edited or submitted again, and its sandbox client no longer gets tokens.
            Address the reviewer's reason in a new service.
          </Text>
        )}
        <Text size="sm">
          Start a new service from this one: the registration form opens with its name, description, authentication,
          scopes and organization, for you to change before you create it. The new service has its own client id
          {service.authMethod === 'client_secret' ? ' and client secret' : ''}, works in the sandbox at once, and goes
          through review before production.
        </Text>
        <Text size="sm">
          To clear it from your dashboard, Remove it: administrators and the audit trail keep it, and its clients stay
          switched off.
        </Text>
        <Group>
          <Button component={Link} to={`/services/new?from=${service.id}`} variant="light">
            Start a new service from this one
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}
