import type { Location } from 'react-router';
import t from 'tap';
import { activeNavItem, type NavItem, navItemState } from '../src/nav-items.ts';

const at = (pathname: string, state: unknown = null): Location => ({ pathname, search: '', hash: '', state, key: 'k' });

const DEVELOPER: NavItem[] = [
  { to: '/', label: 'Backend Services', also: ['/services'] },
  { to: '/api-tokens', label: 'API tokens' },
];
const ADMIN: NavItem[] = [
  { to: '/', label: 'Review queue' },
  { to: '/services', label: 'All services' },
  { to: '/audit-log', label: 'Audit log' },
];

t.test('a page belongs to the item whose address, or one of its other addresses, is closest above it', async (t) => {
  t.equal(activeNavItem(DEVELOPER, at('/')), '/');
  t.equal(activeNavItem(DEVELOPER, at('/services/new')), '/', 'Register New is a Backend Services page');
  t.equal(activeNavItem(DEVELOPER, at('/services/0193/edit')), '/');
  t.equal(activeNavItem(DEVELOPER, at('/api-tokens')), '/api-tokens');
  t.equal(activeNavItem(DEVELOPER, at('/servicesx')), undefined, 'a prefix counts only up to a slash');
  t.equal(activeNavItem(DEVELOPER, at('/nowhere')), undefined);
  t.equal(activeNavItem(ADMIN, at('/services/0193')), '/services', 'the root item does not swallow every page');
  t.equal(activeNavItem(ADMIN, at('/')), '/');
});

t.test('a link that names its item wins over the address', async (t) => {
  t.equal(activeNavItem(ADMIN, at('/services/0193', navItemState('/'))), '/');
  t.equal(activeNavItem(ADMIN, at('/services/0193', navItemState('/gone'))), '/services', 'an unknown item is ignored');
});
