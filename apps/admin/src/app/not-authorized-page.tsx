import { Anchor, Button, Center, Stack, Text, Title } from '@mantine/core';
import { useSession } from '@payerbox/web-kit';

/** A signed-in developer who opens the admin portal: what happened and where to go instead. */
export function NotAuthorizedPage() {
  const session = useSession();
  return (
    <Center h="80vh" p="md">
      <Stack align="center" gap="sm" maw={520} component="main">
        <Title order={1}>Not authorized</Title>
        <Text ta="center">
          You are signed in as {session.user.name} ({session.user.email}), who does not have the administrator role. The
          admin portal is for the health plan's reviewers.
        </Text>
        <Anchor href="/">Go to the developer portal</Anchor>
        <Button variant="default" onClick={() => void session.signOut()}>
          Sign out
        </Button>
      </Stack>
    </Center>
  );
}
