import type { Location } from 'react-router';

/** An entry of the main navigation: where it goes and what it says. */
export interface NavItem {
  readonly to: string;
  readonly label: string;
}

/**
 * Router state of a link that opens a page on behalf of a navigation item: a service opened from the admin's review
 * queue belongs to "Review queue", although its address (`/services/<id>`) is under "All services".
 */
export interface NavItemState {
  readonly navItem: string;
}

/** The state for a link whose page belongs to the navigation item at `to` (see {@link NavItemState}). */
export function navItemState(to: string): NavItemState {
  return { navItem: to };
}

/** The navigation item the page belongs to: the one its link named, else the longest one its address is under. */
export function activeNavItem(nav: readonly NavItem[], location: Location): string | undefined {
  const named = (location.state as Partial<NavItemState> | null)?.navItem;
  if (nav.some((item) => item.to === named)) return named;
  const under = (item: NavItem) => (item.to === '/' ? location.pathname === '/' : isUnder(location.pathname, item.to));
  return nav.filter(under).sort((a, b) => b.to.length - a.to.length)[0]?.to;
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
