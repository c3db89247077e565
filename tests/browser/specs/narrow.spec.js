// The narrowest screens the portal promises (320 px, or 640 px at 200 % zoom): no page
// scrolls sideways, and the pages stay free of accessibility violations there.
const { test, expect, expectAccessible, expectNoHorizontalScroll } = require('../support/harness');
const { CITIZEN, session, guardianshipDraft, submitSigned } = require('../support/drafts');

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
    // The language names stay whole ("Қазақша", not "Қазақш/а").
    await expectHeadingWordsWhole(page, `${path} at 320 px`);
    if (path === '/') await expect(page.getByRole('article')).toHaveCount(10);
    await expectNoHorizontalScroll(page);
    await expectAccessible(page, `${path} at 320 px`);
  });
}

test('the one-time code step and the EDS way of registering fit 320 px', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the viewport is set here; one project suffices');
  await page.goto('/login');
  await page.getByLabel('ЖСН немесе БСН').fill(CITIZEN.iin);
  await page.getByLabel('Құпия сөз', { exact: true }).fill(CITIZEN.password);
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

/** Every word of every heading on one line: a line may end between words or after a word's
 * own hyphen ("ата-/анасының"), never inside a word without one, and never inside a number
 * (a registration number "2026-000005" at its hyphen). */
async function expectHeadingWordsWhole(page, label) {
  const broken = await page.evaluate(() => {
    const found = [];
    for (const heading of document.querySelectorAll('main h1, main h2, main h3, .lang-switcher button')) {
      const walker = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.textContent.matchAll(/\d[\d-]*\d|[^\s-]+-?/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) found.push(`${heading.tagName} "${m[0]}"`);
        }
      }
    }
    return found;
  });
  expect(broken, `words broken across lines on ${label}`).toEqual([]);
}

test('headings keep their words and numbers whole on a 360 px phone in Kazakh', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the viewport is set here; one project suffices');
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 360, height: 740 });
  const services = (await (await page.request.get('/api/services?lang=kk')).json()).services;
  for (const path of ['/', '/login', '/register', ...services.map((s) => `/services/${s.id}`)]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
    await expectHeadingWordsWhole(page, path);
    await expectNoHorizontalScroll(page);
  }
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const id = await guardianshipDraft(page.request);
  await submitSigned(page.request, id, CITIZEN.iin);
  for (const path of ['/cabinet', `/applications/${id}`]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
    await expectHeadingWordsWhole(page, path);
  }
  await expect(page.locator('h1 .nowrap')).toHaveText(/^\d{4}-\d{6}$/);
});

test('a choice whose label wraps keeps its button beside the first line, apart from the next choice', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the viewport is set here; one project suffices');
  await page.goto('/register?lang=ru');
  await expect(page.getByRole('radio')).toHaveCount(2);
  const choices = await page.locator('.radio').evaluateAll((rows) => rows.map((row) => {
    const button = row.querySelector('input').getBoundingClientRect();
    const label = row.querySelector('label');
    const style = getComputedStyle(label);
    const line = parseFloat(style.lineHeight);
    // The label's text, inside the padding that makes the choice a 44 px target.
    const box = label.getBoundingClientRect();
    const top = box.top + parseFloat(style.paddingTop);
    const bottom = box.bottom - parseFloat(style.paddingBottom);
    return { buttonTop: button.top, buttonBottom: button.bottom, labelTop: top, labelBottom: bottom, lines: Math.round((bottom - top) / line), line };
  }));
  // At 320 px both Russian labels wrap: the case this guards.
  expect(choices.every((c) => c.lines >= 2), JSON.stringify(choices)).toBe(true);
  for (const c of choices) {
    // The button sits within the label's first line, not midway down the label.
    expect(c.buttonTop).toBeGreaterThanOrEqual(c.labelTop - 2);
    expect(c.buttonBottom).toBeLessThanOrEqual(c.labelTop + c.line + 2);
  }
  // The second choice's label starts clearly below the first's end.
  expect(choices[1].labelTop - choices[0].labelBottom).toBeGreaterThanOrEqual(8);
});
