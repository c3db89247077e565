// The applicant's journey through the app's own screens: catalogue search and filters, the
// service page, the application's task list and steps (conditional fields, a repeatable
// group, documents with their errors), an interrupted session resumed, check your answers,
// signing with the demo .p12, the confirmation and the cabinet; and two tabs editing one draft.
const { test, expect, expectAccessible, screenshot, expectNoHorizontalScroll } = require('../support/harness');
const { key } = require('../support/pki');
const { CSRF, PDF, CITIZEN, session, askForCode, enterCode } = require('../support/drafts');
const { STAFF, step, toExamination, headSigns } = require('../support/process');

const pdf = (name) => ({ name, mimeType: 'application/pdf', buffer: PDF });

test.use({ locale: 'en-GB' });

const h1 = (page) => page.getByRole('heading', { level: 1 });

async function logIn(page) {
  await page.getByLabel('IIN or BIN').fill(CITIZEN.iin);
  await page.getByLabel('Password', { exact: true }).fill(CITIZEN.password);
  const sent = await askForCode(page, page.getByRole('button', { name: 'Log in', exact: true }));
  await enterCode(page, CITIZEN.iin, sent);
}

test('the catalogue is searched as you type in any language and filtered', async ({ page }, testInfo) => {
  await page.goto('/');
  const cards = page.locator('.service-card');
  await expect(cards.first()).toBeVisible();
  const all = await cards.count();
  expect(all).toBeGreaterThan(5);
  // Russian words find the service while the portal speaks English.
  await page.getByLabel('Search services').fill('опека');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('Guardianship');
  await expect(page.getByRole('status').filter({ hasText: 'Services: 1' })).toBeVisible();
  await page.getByLabel('Search services').fill('');
  await expect(cards).toHaveCount(all);

  await page.getByLabel('Who can apply').selectOption('company');
  await expect(cards.filter({ hasText: 'Guardianship' })).toHaveCount(0);
  const forCompanies = await cards.count();
  expect(forCompanies).toBeLessThan(all);
  await page.getByLabel('Who can apply').selectOption('');
  await page.getByLabel('How to apply').selectOption('office');
  for (const card of await cards.all()) await expect(card).toContainText('At the office only');
  await page.getByLabel('How to apply').selectOption('');
  await page.getByLabel('Category').selectOption('family');
  await expect(cards).toHaveCount(1);
  await expectAccessible(page, 'filtered catalogue');
  await screenshot(page, testInfo, 'catalogue-filtered');
});

test('a citizen applies for guardianship through every step, is logged out midway, resumes, signs, and sees it satisfied live', async ({ page, context, request }, testInfo) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await page.getByRole('link', { name: /Guardianship or custody/ }).click();
  await expect(h1(page)).toHaveText(/Guardianship or custody/);
  await expect(page.getByRole('region', { name: 'Before you start' })).toContainText('Certificate of the applicant\'s health');
  await expect(page.getByRole('region', { name: 'Before you start' })).toContainText('PDF, JPEG, PNG, up to 10 MB');
  await expectAccessible(page, 'service page');
  await screenshot(page, testInfo, 'service-page');

  // Not logged in: the start button asks to log in, and the login comes back here.
  await page.getByRole('button', { name: 'Log in to apply' }).click();
  await expect(h1(page)).toHaveText('Log in to the portal');
  await logIn(page);
  await expect(h1(page)).toHaveText(/Guardianship or custody/);
  await page.getByRole('button', { name: 'Start application' }).click();

  // The task list: every step with its status.
  await expect(h1(page)).toHaveText('Your application');
  const id = page.url().match(/applications\/([^/]+)\/edit/)[1];
  const tasks = page.locator('.task-list');
  await expect(tasks.locator('.task', { hasText: 'About you' })).toContainText('Not started');
  await expect(tasks.locator('.task', { hasText: 'Check your answers' })).toContainText('Cannot start yet');
  await expectAccessible(page, 'task list');
  await screenshot(page, testInfo, 'task-list');

  await page.getByRole('link', { name: 'Your details' }).click();
  await expect(h1(page)).toHaveText('Your details');
  await expect(page.locator('main')).toContainText(CITIZEN.iin);
  await page.getByRole('link', { name: 'Continue' }).click();

  // About you: nothing answered → the error summary takes focus and links to each field.
  await expect(h1(page)).toHaveText('About you');
  await expect(page.getByText('Step 2 of 7')).toBeVisible();
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Marital status:');
  await expect(page).toHaveTitle(/^Error: /);
  await expectAccessible(page, 'about you with errors');
  await screenshot(page, testInfo, 'about-you-errors');
  await summary.getByRole('link', { name: /Home address/ }).click();
  await expect(page.getByLabel('Home address')).toBeFocused();
  await expect(page.getByLabel('Home address')).toHaveAccessibleDescription(/Error:/);

  // A conditional field: the spouse's IIN only for the married.
  await page.getByLabel('Married', { exact: true }).check();
  await expect(page.getByLabel('Spouse\'s IIN')).toBeVisible();
  await page.getByLabel('Not married').check();
  await expect(page.getByLabel('Spouse\'s IIN')).toHaveCount(0);
  await page.getByLabel('Home address').fill('Taraz, Tole bi st. 12');
  await expect(page.locator('.save-status')).toHaveText(/Saved at \d\d:\d\d/);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // Children: a repeatable group; adding moves focus into the new item.
  await expect(h1(page)).toHaveText('Children');
  await page.getByRole('button', { name: 'Add child' }).click();
  await expect(page.locator('[id="children[0].last_name"]')).toBeFocused();
  const child1 = page.getByRole('group', { name: 'Child 1' });
  await child1.getByLabel('Last name').fill('Akhmetov');
  await child1.getByLabel('First name').fill('Nurlan');
  // The date in three boxes (day, month, year); the month left out for now.
  const born = child1.getByRole('group', { name: 'Date of birth' });
  await expect(born).toContainText('For example, 27 3 2016');
  await born.getByLabel('Day').fill('4');
  await born.getByLabel('Year').fill('2016');
  await child1.getByLabel('Child\'s IIN').fill('160504512340');
  await child1.getByLabel('Relative', { exact: true }).check();
  await page.getByRole('button', { name: 'Add another child' }).click();
  await expect(page.getByRole('group', { name: 'Child 2' })).toBeVisible();
  await page.getByRole('button', { name: 'Save and continue' }).click();
  // The wrong IIN and the empty second child are both named, with the item they belong to.
  await expect(summary).toContainText('Child 1 – Child\'s IIN:');
  await expect(summary).toContainText('Child 2 – Last name:');
  await expect(summary).toContainText('Child 1 – Date of birth: The date must include a month.');
  await expect(born).toContainText('Error: The date must include a month.');
  await expect(born.getByLabel('Day')).toHaveValue('4');
  await expect(born.getByLabel('Year')).toHaveValue('2016');
  await born.getByLabel('Month').fill('5');
  await page.getByRole('button', { name: 'Remove Child 2' }).click();
  await expect(page.getByRole('group', { name: 'Child 2' })).toHaveCount(0);
  await child1.getByLabel('Child\'s IIN').fill('160504512345');
  await expectAccessible(page, 'children step');
  await screenshot(page, testInfo, 'children');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(h1(page)).toHaveText('Kind of care');
  await page.getByLabel('Guardianship', { exact: true }).check();
  await page.getByLabel('Why you are applying').fill('The child\'s parents have died.');
  await expect(page.locator('.save-status')).toHaveText(/Saved at/);

  // The session ends (cookie gone): logging in again brings the user back to the draft with
  // everything saved.
  await context.clearCookies();
  await page.goto(`/login?next=${encodeURIComponent(`/applications/${id}/edit?step=care`)}`);
  await logIn(page);
  await expect(h1(page)).toHaveText('Kind of care');
  await expect(page.getByLabel('Why you are applying')).toHaveValue('The child\'s parents have died.');
  await expect(page.getByLabel('Guardianship', { exact: true })).toBeChecked();
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(h1(page)).toHaveText('Contact details');
  await page.getByLabel('Contact phone').fill('+7 701 123 45 67');
  await page.getByLabel('Email').fill('aigul@example.kz');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // Documents: each error is specific, and a refused file leaves the others in place.
  await expect(h1(page)).toHaveText('Documents');
  const health = page.getByRole('region', { name: /Certificate of the applicant's health/ });
  await health.getByLabel('Choose a file').setInputFiles(pdf('health.pdf'));
  await expect(health).toContainText('✓ health.pdf');
  const loss = page.getByRole('region', { name: /without parental care/ });
  await loss.getByLabel('Choose a file').setInputFiles({ name: 'empty.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
  await expect(loss.locator('.error-message')).toHaveText('Error: The file is empty. Choose another file.');
  await loss.getByLabel('Choose a file').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(11 * 1024 * 1024, 0x25) });
  await expect(loss.locator('.error-message')).toHaveText('Error: The file is too big: at most 10 MB.');
  // Named .pdf but not a PDF inside: the server reads the content and refuses it.
  await loss.getByLabel('Choose a file').setInputFiles({ name: 'letter.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just some text') });
  await expect(loss.locator('.error-message')).toContainText('This type of file is not allowed');
  await expect(health).toContainText('✓ health.pdf');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(summary).toContainText('Document confirming the child is without parental care');
  await expectAccessible(page, 'documents with errors');
  await screenshot(page, testInfo, 'documents-errors');
  await loss.getByLabel('Choose a file').setInputFiles(pdf('death-certificate.pdf'));
  await expect(loss).toContainText('✓ death-certificate.pdf');
  await page.getByRole('region', { name: /birth certificate/ }).getByLabel('Choose a file').setInputFiles(pdf('birth.pdf'));
  await expect(page.getByRole('region', { name: /birth certificate/ })).toContainText('✓ birth.pdf');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // Check your answers, with a change that comes back here.
  await expect(h1(page)).toHaveText('Check your answers');
  await expect(page.locator('main')).toContainText('Taraz, Tole bi st. 12');
  await expect(page.locator('main')).toContainText('Akhmetov');
  await expect(page.locator('main')).toContainText('4 May 2016');
  await expect(page.locator('main')).toContainText('death-certificate.pdf');
  await expectAccessible(page, 'check your answers');
  await screenshot(page, testInfo, 'check-answers');
  await page.getByRole('link', { name: 'Change Home address' }).click();
  await expect(h1(page)).toHaveText('About you');
  await expect(page.getByLabel('Home address')).toBeFocused();
  await page.getByLabel('Home address').fill('Taraz, Abay ave. 5');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(h1(page)).toHaveText('Check your answers');
  await expect(page.locator('main')).toContainText('Taraz, Abay ave. 5');
  await page.getByRole('button', { name: 'Continue to signing' }).click();

  // Sign with the demo key in the browser; the confirmation names the number and due date.
  await expect(page).toHaveURL(new RegExp(`/applications/${id}/sign$`));
  await page.getByLabel('Key file (.p12)').setInputFiles(key('880315412341-signing.p12'));
  await page.getByLabel('Key password').fill('Qwerty12');
  await page.getByRole('button', { name: 'Check the key' }).click();
  await page.getByRole('button', { name: 'Sign and submit' }).click();
  const done = page.locator('#submitted');
  await expect(done).toContainText(/\d{4}-\d{6}/);
  // The due date as English readers write it.
  await expect(done).toContainText(/\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) 20\d\d\b/);
  await expectAccessible(page, 'confirmation');
  await screenshot(page, testInfo, 'confirmation');
  const [receipt] = await Promise.all([
    page.waitForEvent('download'),
    done.getByRole('link', { name: 'Download the receipt (PDF)' }).click(),
  ]);
  expect(receipt.suggestedFilename()).toMatch(/\.pdf$/);

  // The cabinet lists it as registered, found by its number.
  const number = (await done.locator('.registration-number').textContent()).trim();
  await page.getByRole('link', { name: 'My applications' }).click();
  await expect(h1(page)).toHaveText('Personal cabinet');
  await page.getByLabel('Registration number').fill(number);
  await page.getByRole('button', { name: 'Show' }).click();
  const card = page.locator('.application-card');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('Registered');
  await expect(card).toContainText(number);
  await expectAccessible(page, 'cabinet');
  await screenshot(page, testInfo, 'cabinet');

  // The guardianship authority takes it into review (the office registers, the head names
  // the executor) and satisfies it (the executor prepares, the head signs); the open request
  // page turns "satisfied" without a reload, with the resolution and the signature checked.
  await card.getByRole('link').click();
  const status = page.locator('dd.status');
  await expect(status).toHaveText(/Registered/);
  await toExamination(request, id, STAFF.guardianship);
  await expect(status).toHaveText(/In review/);
  await step(request, id, { step: 2, outcome: 'satisfied' });
  await headSigns(request, id, STAFF.guardianship, { outcome: 'satisfied' });
  await expect(status).toHaveText(/Satisfied/);
  await expect(page.locator('.live-announcement')).toContainText('Satisfied');
  const decision = page.getByRole('region', { name: /Decision/ });
  await decision.getByRole('button', { name: 'Check the signature in this browser' }).click();
  await expect(decision.getByRole('status')).toContainText(STAFF.guardianship.head.iin);
  const [result] = await Promise.all([
    page.waitForEvent('download'),
    decision.getByRole('link', { name: 'Download the result document (PDF)' }).click(),
  ]);
  expect(result.suggestedFilename()).toMatch(/^resolution-\d{4}-\d{6}\.pdf$/);
  await expectAccessible(page, 'satisfied request');
  await screenshot(page, testInfo, 'request-satisfied');
});

test('two tabs on one draft: the second save is stopped, nothing is lost, the user chooses', async ({ page, context }) => {
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  let res = await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
  const draft = await res.json();
  const url = `/applications/${draft.id}/edit?step=contacts`;
  const other = await context.newPage();
  await page.goto(url);
  await other.goto(url);
  await page.getByLabel('Email').fill('first@example.kz');
  await expect(page.locator('.save-status')).toHaveText(/Saved at/);
  await other.getByLabel('Email').fill('second@example.kz');
  const conflict = other.getByRole('alert').filter({ hasText: 'This draft was changed elsewhere' });
  await expect(conflict).toBeVisible();
  await expect(other.getByLabel('Email')).toHaveValue('second@example.kz');
  await expectAccessible(other, 'draft conflict');
  await conflict.getByRole('button', { name: 'Keep the answers on this page' }).click();
  await expect(other.locator('.save-status')).toHaveText(/Saved at/);
  await page.reload();
  await expect(page.getByLabel('Email')).toHaveValue('second@example.kz');
});

test('the application steps fit a 320 px screen', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  let res = await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
  const draft = await res.json();
  for (const step of ['', '?step=children', '?step=documents', '?step=check']) {
    await page.goto(`/applications/${draft.id}/edit${step}`);
    await expect(h1(page)).toBeVisible();
    if (step === '?step=children') await page.getByRole('button', { name: 'Add child' }).click();
    await expectNoHorizontalScroll(page);
    await expectAccessible(page, `step ${step || 'overview'} at 320 px`);
  }
  await page.goto('/cabinet');
  await expect(h1(page)).toHaveText('Personal cabinet');
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'cabinet at 320 px');
});

test('a draft resumes on the step last opened, on another device too', async ({ page, browser }, testInfo) => {
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const res = await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
  const draft = await res.json();
  await Promise.all([
    page.waitForResponse((r) => r.url().includes(`/api/applications/${draft.id}/step`) && r.status() === 204),
    page.goto(`/applications/${draft.id}/edit?step=care`),
  ]);
  await expect(h1(page)).toHaveText('Kind of care');

  // Another device: a new browser context with its own login.
  const other = await browser.newContext({ locale: 'en-GB', baseURL: testInfo.project.use.baseURL });
  const phone = await other.newPage();
  await session(phone.request, CITIZEN.iin, CITIZEN.password);
  await phone.goto('/cabinet');
  await phone.locator(`a[href^="/applications/${draft.id}/edit"]`).click();
  await expect(h1(phone)).toHaveText('Kind of care');
  await other.close();
});

test('documents: a dropped file uploads, an upload can be cancelled, a draft can be deleted', async ({ page }) => {
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const res = await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
  const draft = await res.json();
  await page.goto(`/applications/${draft.id}/edit?step=documents`);
  const health = page.getByRole('region', { name: /Certificate of the applicant's health/ });
  await expect(health).toBeVisible();

  // Drag and drop: the file dropped on the slot uploads like a picked one.
  await health.evaluate((slot, bytes) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], 'dropped.pdf', { type: 'application/pdf' }));
    slot.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
    slot.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, [...PDF]);
  await expect(health).toContainText('✓ dropped.pdf');

  // Cancel: the server is held back so the upload is still running when the user cancels.
  await page.route('**/attachments/parental_care_loss**', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await route.continue().catch(() => {});
  });
  const loss = page.getByRole('region', { name: /without parental care/ });
  await loss.getByLabel('Choose a file').setInputFiles(pdf('slow.pdf'));
  await expect(loss.locator('progress')).toBeVisible();
  await loss.getByRole('button', { name: 'Cancel upload' }).click();
  await expect(loss.getByRole('status')).toHaveText('Upload cancelled.');
  await expect(loss.locator('progress')).toHaveCount(0);
  await expect(loss).not.toContainText('✓ slow.pdf');
  await page.unroute('**/attachments/parental_care_loss**');

  // Delete the draft from its task list, after a confirmation.
  await page.goto(`/applications/${draft.id}/edit`);
  await page.getByRole('button', { name: 'Delete this draft' }).click();
  await expect(page.getByRole('alert')).toContainText('This cannot be undone');
  await expectAccessible(page, 'delete confirmation');
  // The buttons look like what they do: deleting is red, keeping is secondary (outlined).
  const background = (name) => page.getByRole('button', { name }).evaluate((b) => getComputedStyle(b).backgroundColor);
  expect(await background('Yes, delete it')).toBe('rgb(155, 28, 21)');
  expect(await background('No, keep it')).toBe('rgb(255, 255, 255)');
  await page.getByRole('button', { name: 'Yes, delete it' }).click();
  await expect(h1(page)).toHaveText('Personal cabinet');
  expect((await page.request.get(`/api/applications/${draft.id}`)).status()).toBe(404);
});
