import type { Locator, Page } from 'playwright-core';

/** How many times {@link chooseOption} opens the list before it gives up. */
const OPEN_ATTEMPTS = 3;
/** How long one attempt waits for the option to take a click. */
const ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * Chooses `option` in a Mantine select (`combobox`) as a person does: opens its list, types `search` when the select
 * is searchable, and clicks the option.
 *
 * The list opens with a transition and is positioned after it renders. On a loaded machine the page can move under it
 * meanwhile (a notice appearing above the select), the list closes, and a click waiting for the option would wait for
 * good; a person would open the list again, and so does this, up to three times. Every failure is the last attempt's.
 */
export async function chooseOption(combobox: Locator, option: string, { search }: { search?: string } = {}) {
  const choice = combobox.page().getByRole('option', { name: option, exact: true });
  for (let attempt = 1; ; attempt += 1) {
    try {
      // A click on a select whose list is open closes it (non-searchable selects toggle): open only a closed one.
      if ((await combobox.getAttribute('aria-expanded', { timeout: ATTEMPT_TIMEOUT_MS })) !== 'true') {
        await combobox.click({ timeout: ATTEMPT_TIMEOUT_MS });
      }
      if (search !== undefined) await combobox.fill(search, { timeout: ATTEMPT_TIMEOUT_MS });
      await choice.click({ timeout: ATTEMPT_TIMEOUT_MS });
      return;
    } catch (error) {
      if (attempt === OPEN_ATTEMPTS) throw error;
    }
  }
}

/** Chooses `resource` in the scope builder's row `row` (numbered from 1), typing its name as a person does. */
export async function chooseResource(page: Page, row: number, resource: string) {
  await chooseOption(page.getByRole('combobox', { name: `Resource ${row}` }), resource, { search: resource });
}

/** The operations' checkboxes of the scope builder's row `row` (numbered from 1). */
export function scopeOperations(page: Page, row: number): Locator {
  return page.getByRole('group', { name: `Operations on resource ${row}` });
}

/** Chooses `resource` in the scope builder's row `row` and ticks `operations` ("Read", "Search", …) there. */
export async function chooseScope(page: Page, row: number, resource: string, operations: readonly string[]) {
  await chooseResource(page, row, resource);
  const group = scopeOperations(page, row);
  for (const operation of operations) await group.getByRole('checkbox', { name: operation }).check();
}
