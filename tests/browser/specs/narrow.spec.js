// The narrowest screens the portal promises (320 px, or 640 px at 200 % zoom): no page
// scrolls sideways, and the pages stay free of accessibility violations there.
const { test, expect, expectAccessible, expectNoHorizontalScroll } = require('../support/harness');

test.use({ locale: 'kk-KZ', viewport: { width: 320, height: 640 } });

const PAGES = [
  { path: '/', heading: 'Мемлекеттік қызметтер' },
  { path: '/login', heading: 'Порталға кіру' },
  { path: '/register', heading: 'Тіркелу' },
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
