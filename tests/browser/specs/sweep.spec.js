// Every page of the applicant's journeys in each of kk, ru and en (at 1280 px and, in the
// phone project, 360 px): axe-core finds nothing, nothing scrolls sideways, and <html lang>
// follows the language. Plus the guardianship form done with the keyboard alone.
const { test, expect, expectAccessible, expectNoHorizontalScroll, switchLanguage, LANGS } = require('../support/harness');
const { CSRF, PDF, CITIZEN, session, guardianshipDraft, submitSigned } = require('../support/drafts');

const COMPANY = { bin: '150440001236', password: 'Astyq-demo-2026' };

async function draft(api, service, variant) {
  const res = await api.post('/api/applications', { headers: CSRF, data: { service_id: service, variant_id: variant } });
  expect(res.status()).toBe(201);
  return (await res.json()).id;
}

for (const lang of LANGS) {
  test(`the applicant's pages in ${lang} have no axe findings`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto('/');
    await switchLanguage(page, lang);
    await session(page.request, CITIZEN.iin, CITIZEN.password);
    const id = await draft(page.request, 'guardianship');
    // A registered request to look at, submitted with an OpenSSL signature.
    const done = await guardianshipDraft(page.request);
    await submitSigned(page.request, done, CITIZEN.iin);

    const pages = [
      '/services/guardianship', '/services/project-management-accreditation',
      `/applications/${id}/edit`, `/applications/${id}/edit?step=your-details`,
      `/applications/${id}/edit?step=applicant`, `/applications/${id}/edit?step=children`,
      `/applications/${id}/edit?step=documents`, `/applications/${id}/edit?step=check`,
      `/applications/${id}/sign`, `/applications/${done}`, '/cabinet',
    ];
    for (const path of pages) {
      await page.goto(path);
      await expect(page.locator('html')).toHaveAttribute('lang', lang);
      await expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
      await expect(page.getByRole('status').filter({ hasText: /…$/ })).toHaveCount(0);
      await expectAccessible(page, `${path} in ${lang}`);
      await expectNoHorizontalScroll(page);
    }
    // A step with its errors shown.
    await page.goto(`/applications/${id}/edit?step=applicant`);
    await page.locator('form button[type="submit"]').click();
    await expect(page.locator('.error-summary')).toBeFocused();
    await expectAccessible(page, `errors in ${lang}`);

    // The company's payment step and the test gateway.
    await session(page.request, COMPANY.bin, COMPANY.password);
    const paid = await draft(page.request, 'grain-warehouse-licence', 'issue');
    await page.goto(`/applications/${paid}/edit?step=payment`);
    await expectAccessible(page, `payment in ${lang}`);
    await page.locator('#pay').click();
    await expect(page).toHaveURL(/test-payment-gateway/);
    await expect(page.locator('#confirm')).toBeVisible();
    await expectAccessible(page, `test gateway in ${lang}`);
  });
}

test('the guardianship form is filled with the keyboard alone', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'keyboard use is the same on both widths');
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/services/guardianship');
  await switchLanguage(page, 'en');

  /** Presses Tab until the focused element is the one `locator` names (at most 60 times). */
  async function tabTo(locator) {
    for (let i = 0; i < 60; i += 1) {
      if (await locator.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`could not reach ${locator} with Tab`);
  }

  await tabTo(page.getByRole('button', { name: 'Start application' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your application');
  await tabTo(page.getByRole('link', { name: 'About you' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();

  // Radios: Tab into the group, arrows to choose.
  await tabTo(page.getByLabel('Married', { exact: true }));
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Spouse\'s IIN')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Not married')).toBeChecked();
  await tabTo(page.getByLabel('Home address'));
  await page.keyboard.type('Taraz, Tole bi st. 12');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Children');
  await tabTo(page.getByRole('button', { name: 'Add child' }));
  await page.keyboard.press('Enter');
  await expect(page.getByLabel('Last name')).toBeFocused();
  await page.keyboard.type('Akhmetov');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Nurlan');
  await tabTo(page.getByLabel('Day'));
  await page.keyboard.type('4');
  await page.keyboard.press('Tab');
  await page.keyboard.type('5');
  await page.keyboard.press('Tab');
  await page.keyboard.type('2016');
  await tabTo(page.getByLabel('Child\'s IIN'));
  await page.keyboard.type('160504512345');
  await tabTo(page.getByLabel('Relative', { exact: true }));
  await page.keyboard.press('Space');
  await tabTo(page.getByRole('button', { name: 'Save and continue' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kind of care');
  await tabTo(page.getByLabel('Guardianship', { exact: true }));
  await page.keyboard.press('Space');
  await tabTo(page.getByLabel('Why you are applying'));
  await page.keyboard.type('The child\'s parents have died.');
  await tabTo(page.getByRole('button', { name: 'Save and continue' }));
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Contact details');
  await tabTo(page.getByLabel('Contact phone'));
  await page.keyboard.type('+7 701 123 45 67');
  await tabTo(page.getByLabel('Email'));
  await page.keyboard.type('aigul@example.kz');
  await page.keyboard.press('Enter');

  // Files: the picker opens from the keyboard; the file is chosen in the system dialog.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Documents');
  for (const [region, name] of [[/applicant's health/, 'health.pdf'], [/without parental care/, 'loss.pdf'], [/birth certificate/, 'birth.pdf']]) {
    const slot = page.getByRole('region', { name: region });
    await tabTo(slot.getByLabel('Choose a file'));
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Space')]);
    await chooser.setFiles({ name, mimeType: 'application/pdf', buffer: PDF });
    await expect(slot).toContainText(`✓ ${name}`);
  }
  await tabTo(page.getByRole('button', { name: 'Save and continue' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Check your answers');
  await expect(page.locator('main')).toContainText('Akhmetov');
  await tabTo(page.getByRole('button', { name: 'Continue to signing' }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/sign$/);
});
