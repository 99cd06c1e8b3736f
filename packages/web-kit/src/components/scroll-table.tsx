import { Table, type TableProps } from '@mantine/core';

/**
 * A Mantine table in a box of its own that scrolls sideways when the table is wider than the window, so the page
 * itself never does (a phone shows the rest of a row by swiping the table, not the page). The box takes keyboard focus
 * and carries the table's name because a scrolling region must be reachable without a mouse (WCAG 2.1.1, axe's
 * scrollable-region-focusable).
 */
export function ScrollTable(props: TableProps & { 'aria-label': string }) {
  return (
    <Table.ScrollContainer
      type="native"
      minWidth={0}
      role="region"
      aria-label={props['aria-label']}
      tabIndex={0}
      data-table-scroll
    >
      <Table {...props} />
    </Table.ScrollContainer>
  );
}
