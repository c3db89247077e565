// The administrator's staff page in English: every provider's staff with their roles, the
// add form's errors tied to its fields (a citizen is not made staff behind their back), the
// audit; axe and a 320 px screen. (The changes themselves are the server suite's, admin.rs:
// the browser projects share one server, and staff are shared by every journey.)
const { test, expect, expectAccessible, expectNoHorizontalScroll } = require('../support/harness');
const { CITIZEN, session } = require('../support/drafts');
const { STAFF } = require('../support/process');

test.use({ locale: 'en-GB' });

test('the administrator reads the staff and roles, and the add form says what is wrong', async ({ page }) => {
  await session(page.request, '810719435790', 'Admin-demo-2026');
  await page.goto('/cabinet');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Staff and roles' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Staff and roles');
  const table = page.getByRole('table', { name: 'Staff, their provider and roles' });
  await expect(table.getByRole('row').filter({ hasText: STAFF.guardianship.head.name })).toContainText('Head');
  await expect(table.getByRole('row').filter({ hasText: STAFF.guardianship.clerk.name })).toContainText('Office, Executor');

  const form = page.getByRole('region', { name: 'Add a member of staff' });
  await form.getByRole('button', { name: 'Add to staff' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(form.getByLabel('IIN')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'staff page with errors');

  // The State Corporation's desk is staffed here too, with its own roles.
  const roles = form.getByRole('group', { name: 'Roles' });
  await form.getByLabel('Provider').selectOption({ label: 'State Corporation “Government for Citizens”' });
  await expect(roles.getByRole('checkbox')).toHaveCount(2);
  await expect(roles.getByLabel('State Corporation')).toBeVisible();
  await expect(roles.getByLabel('Head')).toHaveCount(0);
  const scRow = table.getByRole('row').filter({ hasText: STAFF.stateCorporation.operator.name });
  await expect(scRow).toContainText('State Corporation “Government for Citizens”');

  await form.getByLabel('IIN').fill(CITIZEN.iin);
  await form.getByLabel('Provider').selectOption('local-executive-body');
  await expect(roles.getByRole('checkbox')).toHaveCount(3);
  await form.getByRole('group', { name: 'Roles' }).getByLabel('Executor').check();
  await form.getByRole('button', { name: 'Add to staff' }).click();
  await expect(summary).toContainText('This IIN already has another account');
  await expect(page.getByRole('region', { name: 'Changes to staff' })).toBeVisible();
  // Every read of applicants' data by staff, searchable (the guardianship clerk reads in
  // the other journeys; here the list and its search are what is checked).
  const reads = page.getByRole('region', { name: "Who read applicants' data" });
  await expect(reads).toBeVisible();
  await reads.getByLabel("Reader's name or IIN, or a request number").fill('no-such-reader');
  await reads.getByLabel("Reader's name or IIN, or a request number").press('Enter');
  await expect(reads.locator('li')).toHaveCount(0);
  await expectAccessible(page, 'staff page');
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
});
