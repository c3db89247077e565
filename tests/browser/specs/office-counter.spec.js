// A company's accreditation (000 annex 4), taken only at the provider's office, in English:
// the office clerk finds the company by BIN, records consent, enters the application and
// scans its documents, accepts it with their own EDS and prints the receipt; the head names
// the executor and signs what the executor prepared; the clerk hands the certificate to the
// company's representative, recorded. Whoever holds the receipt then follows it by the code
// printed on it, with no account, in Kazakh. axe and a 320 px screen on the pages.
const { pdfText } = require('../support/pdf');
const { test, expect, expectAccessible, expectNoHorizontalScroll } = require('../support/harness');
const { key, PASSWORD } = require('../support/pki');
const { CSRF, PDF, session } = require('../support/drafts');
const { myId, step, headSigns } = require('../support/process');

test.use({ locale: 'en-GB' });
const h1 = (page) => page.getByRole('heading', { level: 1 });
const STAFF = {
  clerk: { iin: '790517356782', password: 'Officer-demo-2026', name: 'Сейітов Данияр Болатұлы' },
  head: { iin: '680923445410', password: 'Head-demo-2026' },
};
const COMPANY = { bin: '091240004563', name: '«Құрылыс Жоба» ЖШС' };

test('the provider\'s office accepts a company\'s paper, and its representative collects the certificate', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(120_000);
  await session(page.request, STAFF.clerk.iin, STAFF.clerk.password);
  await page.goto('/officer');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Counter' }).click();
  await expect(h1(page)).toHaveText('Accepting paper applications');

  const start = page.getByRole('region', { name: 'New application' });
  await start.getByLabel('Applicant\'s IIN or BIN').fill(COMPANY.bin);
  await start.getByLabel(/written consent/).check();
  await start.getByLabel('State service').selectOption('project-management-accreditation');
  await expectAccessible(page, 'office counter');
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await start.getByRole('button', { name: 'Start the application' }).click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f]+\/edit/);
  const id = page.url().match(/applications\/([0-9a-f]+)\/edit/)[1];

  // The documents the company brought, scanned.
  for (const doc of ['application', 'specialists_certificates']) {
    const res = await page.request.post(`/api/applications/${id}/attachments/${doc}`, {
      headers: CSRF, multipart: { file: { name: `${doc}.pdf`, mimeType: 'application/pdf', buffer: PDF } },
    });
    expect(res.status()).toBe(201);
  }
  // Accepted with the clerk's own key.
  await page.goto(`/applications/${id}/sign`);
  await page.getByLabel('Key file (.p12)').setInputFiles(key(`${STAFF.clerk.iin}-signing.p12`));
  await page.getByLabel('Key password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Check the key' }).click();
  await page.getByRole('button', { name: /Sign and (submit|send)/ }).click();
  await expect(page.locator('#submitted')).toContainText(/\d{4}-\d{6}/);
  const receipt = pdfText(await (await page.request.get(`/api/applications/${id}/receipt?lang=en`)).body());
  expect(receipt).toContain(COMPANY.name);
  expect(receipt).toContain('Сейітов Данияр');
  const code = receipt.match(/Document code: ([0-9A-Z]{5}-[0-9A-Z]{5})/)[1];

  // The head names the clerk the executor; the clerk prepares; the head signs.
  const clerkId = await myId(page.request);
  await session(request, STAFF.head.iin, STAFF.head.password);
  await step(request, id, { step: 1, executor: clerkId });
  await step(page.request, id, { step: 2, outcome: 'satisfied' });
  await headSigns(request, id, STAFF, { outcome: 'satisfied' });

  // The representative comes with a power of attorney: the clerk hands the certificate over.
  await page.goto(`/officer/requests/${id}`);
  const process = page.getByRole('region', { name: 'The provider\'s procedure' });
  await expect(process.locator('#process-current')).toContainText('Step 5:');
  await process.getByLabel(/Representative and power of attorney/).fill('Gulim Seitkyzy, power of attorney No. 7, 02.12.2026');
  await expectAccessible(page, 'clerk handing a certificate over');
  await process.getByRole('button', { name: 'Result handed over' }).click();
  await expect(process.locator('#process-current')).toHaveText('Every step is done');
  await expect(process.locator('.process-log')).toContainText('Gulim Seitkyzy, power of attorney No. 7');

  // Anyone holding the receipt reads where the request stands, in Kazakh, with no account.
  const anyone = await browser.newContext({ locale: 'kk-KZ', baseURL: testInfo.project.use.baseURL });
  const tab = await anyone.newPage();
  await tab.goto(`/verify/${code}`);
  await expect(h1(tab)).toBeVisible();
  await expect(tab.locator('main')).toContainText('Қанағаттандырылды');
  await expect(tab.locator('#verify-collection')).toHaveText('Берілді');
  await expectAccessible(tab, 'a counter receipt checked by its code');
  await tab.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(tab);
  await anyone.close();
});
