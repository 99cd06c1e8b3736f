import { AppShell, Button, Group, NavLink as MantineNavLink, Text } from '@mantine/core';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useSession } from '../session.tsx';

export interface NavItem {
  readonly to: string;
  readonly label: string;
}

/** The portal's frame: the product name, the navigation, the user's name and Sign out, then the page. */
export function AppLayout(props: { productName: string; nav: readonly NavItem[] }) {
  const session = useSession();
  const location = useLocation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Text component={Link} to="/" fw={700} size="lg">
            {props.productName}
          </Text>
          <Group gap="sm">
            <Text size="sm" aria-label="Signed in as">
              {session.user.name}
            </Text>
            <Button variant="default" size="xs" onClick={() => void session.signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {props.nav.map((item) => (
          <MantineNavLink
            key={item.to}
            component={NavLink}
            to={item.to}
            label={item.label}
            active={item.to === '/' ? location.pathname === '/' : location.pathname.startsWith(item.to)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
