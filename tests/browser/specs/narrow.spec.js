// The narrowest screens the portal promises (320 px, or 640 px at 200 % zoom): no page
// scrolls sideways, and the pages stay free of accessibility violations there.
const { test, expect, expectAccessible, expectNoHorizontalScroll } = require('../support/harness');
const { CITIZEN } = require('../support/drafts');

test.use({ locale: 'kk-KZ', viewport: { width: 320, height: 640 } });

const PAGES = [
  { path: '/', heading: 'Мемлекеттік қызметтер' },
  { path: '/login', heading: 'Порталға кіру' },
  { path: '/register', heading: 'Тіркелу' },
  { path: '/test-sms-outbox', heading: 'Сынақ SMS жәшігі' },
  { path: '/no/such/page', heading: 'Бет табылмады' },
];

for (const { path, heading } of PAGES) {
  test(`${path} fits 320 px without sideways scrolling`, async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'the viewport is set here; one project suffices');
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
    if (path === '/') await expect(page.getByRole('article')).toHaveCount(10);
    await expectNoHorizontalScroll(page);
    await expectAccessible(page, `${path} at 320 px`);
  });
}

test('the one-time code step and the EDS way of registering fit 320 px', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the viewport is set here; one project suffices');
  await page.goto('/login');
  await page.getByLabel('ЖСН немесе БСН').fill(CITIZEN.iin);
  await page.getByLabel('Құпия сөз').fill(CITIZEN.password);
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  await expect(page.locator('#code')).toBeFocused();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'login code step at 320 px');
  await page.goto('/register');
  await page.getByLabel(/^ЭЦҚ/).check();
  await expect(page.getByLabel('Кілт файлы (.p12)')).toBeVisible();
  await expectNoHorizontalScroll(page);
  await expectAccessible(page, 'register with EDS at 320 px');
});
