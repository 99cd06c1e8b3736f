import type { Location } from 'react-router';

/** An entry of the main navigation: where it goes and what it says. */
export interface NavItem {
  readonly to: string;
  readonly label: string;
  /** Other addresses whose pages belong to this item: the developer's `/services/…` pages to "Backend Services" at `/`. */
  readonly also?: readonly string[];
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
  const depth = (item: NavItem) =>
    Math.max(...[item.to, ...(item.also ?? [])].map((prefix) => matchedLength(location.pathname, prefix)));
  return nav
    .map((item) => ({ to: item.to, depth: depth(item) }))
    .filter((item) => item.depth >= 0)
    .sort((a, b) => b.depth - a.depth)[0]?.to;
}

/** How long a prefix of `path` `prefix` is (the longer, the closer the item), or -1 when `path` is not under it. */
function matchedLength(path: string, prefix: string): number {
  if (prefix === '/') return path === '/' ? 1 : -1;
  return isUnder(path, prefix) ? prefix.length : -1;
}

function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}
