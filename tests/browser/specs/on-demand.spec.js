// The app is split by area (src/on_demand.rs): the home page fetches only the shell, each area
// comes when one of its pages opens or in the background once the visitor's role is known, and
// a page whose file cannot be fetched says so, keeps the app alive and comes on "Try again".
const { test, expect, expectAccessible, switchLanguage, expectNoHorizontalScroll, waitForApp } = require('../support/harness');
const { CITIZEN, CSRF, session, guardianshipDraft } = require('../support/drafts');

const h1 = (page) => page.getByRole('heading', { level: 1 });
const areaFile = (area) => new RegExp(`/app-[0-9a-f]+/split_${area}\\.wasm$`);

/** Makes an area's file arrive `ms` late, as on a slow connection. */
function delayArea(page, area, ms) {
  return page.route(areaFile(area), async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

/** Every split file the page asks for, by area name, as the requests are made. */
function recordAreas(page) {
  const asked = new Set();
  page.on('request', (req) => {
    const m = req.url().match(/\/split_(\w+)\.wasm$/);
    if (m) asked.add(m[1]);
  });
  return asked;
}

test('the home page brings the visitor\'s pages; an applicant\'s or officer\'s come only to them', async ({ page }) => {
  const asked = recordAreas(page);
  await page.goto('/');
  await expect(h1(page)).toBeVisible();
  await expect(page.locator('.service-card').first()).toBeVisible();
  // Used, the home page brings the app: its page is in the visitor's area (service page,
  // login, registration)...
  await waitForApp(page);
  await expect.poll(() => asked.has('entry'), { timeout: 10_000 }).toBe(true);
  // ...and an anonymous visitor never downloads the applicant's or the officer's pages.
  await page.waitForTimeout(2_000);
  expect([...asked].sort()).toEqual(['entry']);

  // Once logged in as a citizen, the applicant's area follows; the officer's still does not.
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.reload();
  await waitForApp(page);
  await expect(page.getByRole('link', { name: 'My applications' })).toBeVisible();
  await expect.poll(() => asked.has('applicant'), { timeout: 10_000 }).toBe(true);
  await page.getByRole('link', { name: 'My applications' }).click();
  await expect(h1(page)).toHaveText('Personal cabinet');
  expect(asked.has('officer')).toBe(false);
});

test('someone logged in is not sent the visitor\'s pages ahead of time', async ({ page }) => {
  const asked = recordAreas(page);
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/cabinet');
  await expect(h1(page)).toBeVisible();
  await waitForApp(page);
  await expect.poll(() => asked.has('applicant'), { timeout: 10_000 }).toBe(true);
  // Past the background fetch's moment: login and registration are no use to them, and the
  // catalogue and service pages come when they open one.
  await page.waitForTimeout(3_000);
  expect([...asked].sort()).toEqual(['applicant']);
  await page.getByRole('link', { name: /Qyzmet/ }).click();
  await expect.poll(() => asked.has('entry'), { timeout: 10_000 }).toBe(true);
  await page.locator('.service-card a').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});

test('an applicant at work on a form is sent only the editor; signing comes as they reach the check of answers', async ({ page }) => {
  const asked = recordAreas(page);
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const id = await guardianshipDraft(page.request);
  await page.goto(`/applications/${id}/edit`);
  await expect(h1(page)).toBeVisible();
  await expect.poll(() => asked.has('application'), { timeout: 10_000 }).toBe(true);
  // Past the background fetch's moment: nothing else of the applicant's on a phone plan.
  await page.waitForTimeout(3_000);
  expect([...asked].sort()).toEqual(['application']);
  // The task list reads without the step pages; pointing at a step brings them, and it opens.
  await page.locator('.task-list a').first().hover();
  await expect.poll(() => asked.has('application_steps'), { timeout: 10_000 }).toBe(true);
  await page.locator('.task-list a').first().click();
  await expect(page).toHaveURL(/step=/);
  await expect(h1(page)).toBeFocused();
  // The step before signing: its page is fetched while the answers are read.
  await page.goto(`/applications/${id}/edit?step=check`);
  await expect(h1(page)).toBeVisible();
  await expect.poll(() => asked.has('signing'), { timeout: 10_000 }).toBe(true);
  expect(asked.has('applicant')).toBe(false);
  await page.getByRole('button', { name: /sign/i }).click();
  await expect(page).toHaveURL(/\/sign$/);
  await expect(h1(page)).toBeVisible();
});

test('a browser saving data is sent no page ahead of time', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'connection', { get: () => ({ saveData: true }) });
  });
  const asked = recordAreas(page);
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/');
  await expect(page.locator('.service-card').first()).toBeVisible();
  await waitForApp(page);
  // Past the moment a citizen's pages otherwise follow (the first test): only the page's own.
  await page.waitForTimeout(3_000);
  expect([...asked]).toEqual(['entry']);
  // A page opened comes as ever.
  await page.getByRole('link', { name: 'My applications' }).click();
  await expect.poll(() => asked.has('applicant'), { timeout: 10_000 }).toBe(true);
  await expect(h1(page)).toHaveText('Personal cabinet');
});

test('a page the browser draws no frames for (a tab in the background) is still taken over', async ({ page, baseURL }) => {
  // Frame callbacks never run, as in a background tab; the hand-over must not wait for one.
  await page.addInitScript(() => { window.requestAnimationFrame = () => 0; });
  // Opened without the harness's wait, which itself polls on frames.
  await page.goto('about:blank');
  await page.evaluate((home) => { location.href = home; }, new URL('/', baseURL).href);
  await expect(page.locator('#first-paint .service-card').first()).toBeVisible();
  // The visitor types in the search: the app comes and takes over.
  await page.locator('#first-paint input').first().focus();
  await expect(page.locator('#first-paint')).toHaveCount(0);
  await expect(page.locator('#app')).toBeVisible();
  await expect(page.locator('.service-card').first()).toBeVisible();
});

test('a control used before the start-up script ran still brings the app', async ({ page, baseURL }) => {
  // The script arrives late (a slow connection); the visitor is already in the search box.
  await page.route('**/start.js', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await page.goto('about:blank');
  await page.evaluate((home) => { location.href = home; }, new URL('/', baseURL).href);
  await page.locator('#first-paint input').first().focus();
  await expect(page.locator('#first-paint')).toHaveCount(0);
  await expect(page.locator('#app')).toBeVisible();
});

test.describe('a page whose file cannot be fetched', () => {
  // The refused file is logged by Chromium and by the split loader; that is the point here.
  test.use({ expectedConsoleErrors: /net::ERR_FAILED|Failed to fetch/ });

  test('an editor\'s step whose file cannot be fetched says so, keeps the draft, and comes on "Try again"', async ({ page }) => {
    await page.route(areaFile('application_steps'), (route) => route.abort());
    await session(page.request, CITIZEN.iin, CITIZEN.password);
    const id = await guardianshipDraft(page.request);
    await page.goto(`/applications/${id}/edit`);
    await waitForApp(page);
    const task = page.locator('.task-list a').nth(1);
    const name = (await task.textContent()).trim();
    await task.click();
    await expect(h1(page)).toHaveText('This page could not be loaded');
    await expect(page.getByRole('alert')).toContainText('Check your internet connection');
    await expectAccessible(page, 'a step that could not be loaded');
    await page.unroute(areaFile('application_steps'));
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(h1(page)).toHaveText(name);
    await expect(page).toHaveURL(/step=/);
  });

  test('says so in an accessible page, keeps the app working, and comes on "Try again"', async ({ page }) => {
    await page.route(areaFile('applicant'), (route) => route.abort());
    await session(page.request, CITIZEN.iin, CITIZEN.password);
    await page.goto('/');
    await page.getByRole('link', { name: 'My applications' }).click();

    await expect(h1(page)).toHaveText('This page could not be loaded');
    await expect(page).toHaveTitle(/^Error: /);
    await expect(page.getByRole('alert')).toContainText('Check your internet connection');
    await expectAccessible(page, 'a page that could not be loaded');
    // In every language, and on a 320 px screen.
    await page.setViewportSize({ width: 320, height: 640 });
    await expectNoHorizontalScroll(page);
    for (const [lang, title] of [['kk', 'Бетті жүктеу мүмкін болмады'], ['ru', 'Не удалось загрузить страницу'], ['en', 'This page could not be loaded']]) {
      await switchLanguage(page, lang);
      await expect(h1(page)).toHaveText(title);
      await expectAccessible(page, `a page that could not be loaded, ${lang}`);
    }

    // The app itself is alive: the catalogue still opens, and so does the failed page's error.
    await page.getByRole('link', { name: /Qyzmet/ }).click();
    await expect(page.locator('.service-card').first()).toBeVisible();
    await page.getByRole('link', { name: 'My applications' }).click();
    await expect(h1(page)).toHaveText('This page could not be loaded');

    // The connection is back: "Try again" draws the page in place, at the same address.
    await page.unroute(areaFile('applicant'));
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(h1(page)).toHaveText('Personal cabinet');
    await expect(page).toHaveURL(/\/cabinet$/);
  });
});

test('offline, the background fetch waits for the connection to return', async ({ page, context }) => {
  const asked = recordAreas(page);
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/');
  await expect(page.locator('.service-card').first()).toBeVisible();
  await waitForApp(page);
  expect(asked.has('entry'), 'the page\'s own area').toBe(true);
  // Offline before the background fetch's moment (1.5 s after the page is up).
  await context.setOffline(true);
  await page.waitForTimeout(3_000);
  expect(asked.has('applicant'), 'nothing is fetched while offline').toBe(false);
  await context.setOffline(false);
  await expect.poll(() => asked.has('applicant'), { timeout: 10_000 }).toBe(true);
});

test('on a slow connection a page says it is loading, then arrives', async ({ page }) => {
  await delayArea(page, 'applicant', 3_000);
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/');
  await page.getByRole('link', { name: 'My applications' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Loading the page…' })).toBeVisible();
  await expectAccessible(page, 'a page on its way');
  await expect(h1(page)).toHaveText('Personal cabinet');
  await expect(page.getByText('Loading the page…')).toHaveCount(0);
});

test('leaving a page that is still loading goes where the user asked, with no notice left behind', async ({ page }) => {
  await delayArea(page, 'applicant', 4_000);
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/');
  const catalogueHeading = await h1(page).textContent();
  await page.getByRole('link', { name: 'My applications' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Loading the page…' })).toBeVisible();
  await page.getByRole('link', { name: /Qyzmet/ }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(h1(page)).toHaveText(catalogueHeading);
  // At once, not when the abandoned file arrives four seconds later.
  await expect(page.getByText('Loading the page…')).toHaveCount(0, { timeout: 1_000 });
  // Once the area arrives, it does not pull the user back to the page they left.
  await page.waitForTimeout(4_500);
  await expect(page).toHaveURL(/\/$/);
  await expect(h1(page)).toHaveText(catalogueHeading);
});
