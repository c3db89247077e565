// What every journey needs: a `test` whose page fails on any uncaught error (a wasm panic
// shows up as one), plus helpers for accessibility checks, screenshots and language.
const path = require('node:path');
const fs = require('node:fs');
const base = require('@playwright/test');

const artifacts = process.env.QYZMET_ARTIFACTS || path.resolve(__dirname, '..', '..', '..', 'target', 'browser-artifacts');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const LANGS = ['kk', 'ru', 'en'];
const LANG_NAMES = { kk: 'Қазақша', ru: 'Русский', en: 'English' };

const test = base.test.extend({
  // A RegExp for console errors a test provokes on purpose (e.g. a file it makes the
  // network refuse).
  expectedConsoleErrors: [null, { option: true }],
  page: async ({ page, expectedConsoleErrors }, use) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // Chromium logs every 4xx answer as a console error; those are the API's expected
      // answers (401 not logged in, 422 validation). A 5xx or a script error still fails.
      const expectedAnswer = /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text());
      // A test that takes the network away (context.setOffline) makes requests fail on purpose.
      const offlineOnPurpose = /net::ERR_INTERNET_DISCONNECTED/.test(m.text());
      const provoked = expectedConsoleErrors !== null && expectedConsoleErrors.test(m.text());
      if (m.type() === 'error' && !expectedAnswer && !offlineOnPurpose && !provoked) errors.push(m.text());
    });
    // The server's copy of a page reads at once, but its buttons wait for the app: a test,
    // like a user, acts once the app has taken over (the copy is gone).
    for (const name of ['goto', 'reload']) {
      const original = page[name].bind(page);
      page[name] = async (...args) => {
        const response = await original(...args);
        await waitForApp(page);
        return response;
      };
    }
    await use(page);
    base.expect(errors, 'the page logged errors').toEqual([]);
  },
});

/** Waits until the app has drawn the page over the server's copy. */
async function waitForApp(page) {
  await page.waitForFunction(() => !document.getElementById('first-paint'));
}

/** Runs axe-core (WCAG 2.0–2.2 A/AA) and fails with a readable list of violations. */
async function expectAccessible(page, label) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  }, WCAG_TAGS);
  base.expect(violations, `axe violations on ${label}`).toEqual([]);
}

/** Saves a full-page screenshot under target/browser-artifacts/screenshots for review. */
async function screenshot(page, testInfo, name) {
  const file = path.join(artifacts, 'screenshots', `${testInfo.project.name}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Switches the portal's language with its own switcher and waits until the page speaks it. */
async function switchLanguage(page, lang) {
  await page.getByRole('button', { name: LANG_NAMES[lang], exact: true }).click();
  await base.expect(page.locator('html')).toHaveAttribute('lang', lang);
}

/** The page never scrolls sideways (320–360 px phones, 200 % zoom). */
async function expectNoHorizontalScroll(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  base.expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
}

module.exports = { test, expect: base.expect, waitForApp, expectAccessible, screenshot, switchLanguage, expectNoHorizontalScroll, LANGS, LANG_NAMES };
