import {
  AppShell,
  Box,
  Burger,
  Button,
  em,
  Group,
  NavLink as MantineNavLink,
  px,
  Text,
  useMantineTheme,
} from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { Link, Outlet, useLocation } from 'react-router';
import { activeNavItem, type NavItem } from '../nav-items.ts';
import { usePageHeading } from '../page-heading.ts';
import { useSession } from '../session.tsx';
import { NotificationBell } from './notification-bell.tsx';

export type { NavItem } from '../nav-items.ts';

/**
 * Below Mantine's `md` (62em, 992 px) the navigation is a drawer behind the burger button: a tablet held upright
 * (768 px) keeps its whole width for the page's tables. Below `sm` (48em) the header has no room for the user's name.
 */
const NAV_BREAKPOINT = 'md';
const NAME_BREAKPOINT = 'sm';
const NAV_ID = 'main-navigation';
const MAIN_ID = 'main-content';

/**
 * The portal's frame: the product name, the navigation, the user's name and Sign out, then the page. On narrow windows
 * the navigation collapses behind a burger button and closes again once a page is chosen, so it never covers the page.
 */
export function AppLayout(props: {
  /** The product's whole name: the header's link, and every page title. */
  productName: string;
  /** The name the header shows on a phone, a part of the whole one ("Admin Portal"), so it fits beside Sign out. */
  shortProductName?: string;
  nav: readonly NavItem[];
}) {
  const session = useSession();
  const location = useLocation();
  const theme = useMantineTheme();
  const [navOpen, nav] = useDisclosure(false);
  // The same query AppShell uses for its mobile layout.
  const narrow = useMediaQuery(`(max-width: ${em(Number(px(theme.breakpoints[NAV_BREAKPOINT])) - 0.1)})`, false, {
    getInitialValueInEffect: false,
  });
  // Any navigation (a nav link, a link in the page, Back) shows the page, not the drawer over it.
  useEffect(() => nav.close(), [location.pathname]);
  const mainRef = useRef<HTMLElement>(null);
  usePageHeading(mainRef, props.productName);
  const active = activeNavItem(props.nav, location);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: NAV_BREAKPOINT, collapsed: { mobile: !navOpen } }}
      padding="md"
    >
      {/* The first Tab stop: keyboard users go past the header and navigation straight to the page. */}
      <a
        href={`#${MAIN_ID}`}
        className="skip-link"
        onClick={(event) => {
          // Focus, not a fragment navigation: the router would treat a changed hash as a new location.
          event.preventDefault();
          mainRef.current?.focus();
        }}
      >
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px={{ base: 'sm', xs: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
          <Group gap="xs" wrap="nowrap" miw={0}>
            <Burger
              opened={navOpen}
              onClick={nav.toggle}
              hiddenFrom={NAV_BREAKPOINT}
              size="sm"
              aria-label={navOpen ? 'Close navigation' : 'Open navigation'}
              aria-expanded={navOpen}
              aria-controls={NAV_ID}
            />
            {/* On a phone the short name, smaller, so it fits beside the bell and Sign out at 390 px; the link keeps the
                whole name (the short one is part of it, as WCAG's label-in-name asks). A name longer still is cut
                rather than pushing Sign out off the window. */}
            <Text
              component={Link}
              to="/"
              fw={700}
              fz={{ base: 'md', xs: 'lg' }}
              truncate="end"
              miw={0}
              aria-label={props.shortProductName ? props.productName : undefined}
            >
              {props.shortProductName ? (
                <>
                  <Box component="span" visibleFrom="xs">
                    {props.productName}
                  </Box>
                  <Box component="span" hiddenFrom="xs">
                    {props.shortProductName}
                  </Box>
                </>
              ) : (
                props.productName
              )}
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <NotificationBell />
            <Text size="sm" aria-label="Signed in as" visibleFrom={NAME_BREAKPOINT}>
              {session.user.name}
            </Text>
            <Button variant="default" size="xs" onClick={() => void session.signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      {/* A closed drawer is only moved off screen: inert keeps its links out of the keyboard's and readers' way. */}
      <AppShell.Navbar p="xs" component="nav" aria-label="Main" id={NAV_ID} inert={narrow && !navOpen}>
        {props.nav.map((item) => (
          <MantineNavLink
            key={item.to}
            // A plain Link: the router's NavLink would mark "All services" current on a page the queue opened.
            component={Link}
            to={item.to}
            aria-current={item.to === active ? 'page' : undefined}
            label={item.label}
            // Without a colour NavLink keeps Mantine's own shade 8 text, 3.9:1 on its hover tint; named, the theme's
            // resolver darkens it like every light variant.
            color={theme.primaryColor}
            onClick={nav.close}
            active={item.to === active}
          />
        ))}
        {/* The header has no room for the name on narrow windows; the navigation says who is signed in there. */}
        <Text size="sm" c="dimmed" mt="auto" p="xs" hiddenFrom={NAME_BREAKPOINT}>
          Signed in as {session.user.name}
        </Text>
      </AppShell.Navbar>
      <AppShell.Main miw={0} id={MAIN_ID} ref={mainRef} tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
