// The pure repair of the hierarchy Aidbox reports (Organization.partOf) into a forest, and the tree built from it.
import t from 'tap';
import {
  ancestorsOf,
  normaliseHierarchy,
  type OrganizationInput,
  organizationTree,
} from '../src/modules/organizations/hierarchy.ts';

const parents = (inputs: OrganizationInput[]) =>
  Object.fromEntries(normaliseHierarchy(inputs).map((entry) => [entry.id, entry.parentId]));

t.test('keeps a well-formed hierarchy as it is', async (t) => {
  t.same(
    parents([
      { id: 'b', name: 'B', parentId: 'a' },
      { id: 'a', name: 'A' },
      { id: 'c', name: 'C', parentId: 'b' },
    ]),
    { a: null, b: 'a', c: 'b' },
  );
});

t.test('makes an organization whose parent is not listed top level', async (t) => {
  t.same(parents([{ id: 'a', parentId: 'gone' }]), { a: null });
});

t.test('breaks a loop at its smallest id, whatever order the organizations come in', async (t) => {
  const loop: OrganizationInput[] = [
    { id: 'm', parentId: 'x' },
    { id: 'x', parentId: 'c' },
    { id: 'c', parentId: 'm' },
    { id: 'leaf', parentId: 'x' },
  ];
  const expected = { c: null, leaf: 'x', m: 'x', x: 'c' };
  t.same(parents(loop), expected);
  t.same(parents([...loop].reverse()), expected);
  t.same(parents([loop[3], loop[1], loop[0], loop[2]] as OrganizationInput[]), expected);
});

t.test('breaks a self reference and several separate loops', async (t) => {
  t.same(
    parents([
      { id: 'self', parentId: 'self' },
      { id: 'p', parentId: 'q' },
      { id: 'q', parentId: 'p' },
      { id: 'r', parentId: 's' },
      { id: 's', parentId: 'r' },
    ]),
    { p: null, q: 'p', r: null, s: 'r', self: null },
  );
});

t.test('names an organization without a name by its id, and keeps the first of repeated ids', async (t) => {
  t.same(
    normaliseHierarchy([
      { id: 'a', name: '  ' },
      { id: 'b', name: ' Beta ' },
      { id: 'b', name: 'Other', parentId: 'a' },
    ]),
    [
      { id: 'a', name: 'a', parentId: null },
      { id: 'b', name: 'Beta', parentId: null },
    ],
  );
});

t.test('builds the tree sorted by name at every level, case-insensitively, then by id', async (t) => {
  const entries = normaliseHierarchy([
    { id: 'z', name: 'alpha' },
    { id: 'y', name: 'Beta' },
    { id: 'x', name: 'Alpha' },
    { id: 'k2', name: 'kid', parentId: 'y' },
    { id: 'k1', name: 'Kid', parentId: 'y' },
    { id: 'k0', name: 'Aardvark', parentId: 'y' },
  ]);
  const tree = organizationTree(entries);
  t.same(
    tree.map((node) => node.id),
    ['x', 'z', 'y'],
  );
  t.same(
    tree[2]?.children.map((node) => node.id),
    ['k0', 'k1', 'k2'],
  );
});

t.test('lists the ancestors of an organization top-level first', async (t) => {
  const entries = normaliseHierarchy([
    { id: 'a', name: 'A' },
    { id: 'b', name: 'B', parentId: 'a' },
    { id: 'c', name: 'C', parentId: 'b' },
  ]);
  t.same(ancestorsOf(entries, 'c'), [
    { id: 'a', name: 'A' },
    { id: 'b', name: 'B' },
  ]);
  t.same(ancestorsOf(entries, 'a'), []);
  t.same(ancestorsOf(entries, 'unknown'), []);
});
