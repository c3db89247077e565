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

/** Waits until the app has drawn the page over the server's copy. A page that reads without
 * the app brings it when the visitor first uses a field or button (`start.js`): a journey
 * that goes on to use the page is that visitor, so it is told so (an `input` event on the
 * copy's first control, which changes nothing there). */
async function waitForApp(page) {
  await startOnUse(page);
  await page.waitForFunction(() => !document.getElementById('first-paint'));
}

/** What a visitor's first use of a page's control does: the app is asked for. */
async function startOnUse(page) {
  await page.evaluate(() => {
    const copy = document.getElementById('first-paint');
    if (copy && copy.dataset.start === 'on-use') {
      const control = copy.querySelector('input, select, textarea, button');
      if (control) control.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
}

/** A slow connection: the app's wasm is held back until the returned function is called. */
async function holdTheApp(page) {
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/** Runs axe-core (WCAG 2.0–2.2 A/AA) and fails with a readable list of violations; then AAA
 * where it is measurable (`expectAAA`). */
async function expectAccessible(page, label) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  }, WCAG_TAGS);
  base.expect(violations, `axe violations on ${label}`).toEqual([]);
  await expectAAA(page, label);
}

/** The pointer targets smaller than 44×44 CSS px (WCAG 2.5.5, AAA): every visible link,
 * button, field and summary, a radio or checkbox together with its label; a link inside a
 * sentence is exempt, as the criterion says. */
async function smallTargets(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && !el.closest('[hidden], .visually-hidden, .skip-link');
    };
    const inSentence = (el) => {
      const block = el.closest('p, .hint');
      return block !== null && block.textContent.trim().length > el.textContent.trim().length;
    };
    const small = [];
    const seen = new Set();
    for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
      const shownLabel = [...(el.labels || [])].some(visible);
      if (!visible(el) && !(el.matches('input[type=file], input[type=checkbox], input[type=radio]') && shownLabel)) continue;
      if (el.tagName === 'A' && inSentence(el)) continue;
      let r = el.getBoundingClientRect();
      let box = { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
      // A choice is taken by its label too: the target is the two together.
      if (el.matches('input[type=checkbox], input[type=radio], input[type=file]')) {
        for (const l of el.labels || []) {
          const lr = l.getBoundingClientRect();
          if (lr.width === 0) continue;
          box = { left: Math.min(box.left, lr.left), top: Math.min(box.top, lr.top), right: Math.max(box.right, lr.right), bottom: Math.max(box.bottom, lr.bottom) };
        }
      }
      const w = box.right - box.left;
      const h = box.bottom - box.top;
      if (w + 0.5 < 44 || h + 0.5 < 44) {
        const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} "${(el.textContent || el.value || '').trim().slice(0, 30)}" ${Math.round(w)}×${Math.round(h)}`;
        if (!seen.has(name)) { seen.add(name); small.push(name); }
      }
    }
    return small;
  });
}

/** Words split across lines inside a table, a summary list or a heading: every word whose
 * letters stand on more than one line, but a compound without digits broken after its
 * hyphen (a normal place to break). Numbers, dates and IINs are never split. */
async function brokenWords(page) {
  return page.evaluate(() => {
    const broken = [];
    // A hash is not a word (it may break anywhere).
    const hidden = (el) => el.closest('[hidden], .visually-hidden, .hash') !== null || el.getClientRects().length === 0;
    for (const el of document.querySelectorAll('main td, main th, main dt, main dd, main h1, main h2, main h3, main caption')) {
      if (hidden(el)) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.parentElement && hidden(node.parentElement)) continue;
        const re = /\S+/g;
        let m;
        while ((m = re.exec(node.data))) {
          const word = m[0];
          const top = (i) => {
            const r = document.createRange();
            r.setStart(node, m.index + i);
            r.setEnd(node, m.index + i + 1);
            const rect = [...r.getClientRects()].find((x) => x.width > 0);
            return rect ? Math.round(rect.top) : null;
          };
          let last = top(0);
          for (let i = 1; i < word.length; i += 1) {
            const t = top(i);
            if (t === null || last === null) { last = t; continue; }
            if (t > last + 2) {
              const afterHyphen = /[-‐–—/]/.test(word[i - 1]) && !/\d/.test(word);
              if (!afterHyphen) { broken.push(`${el.tagName.toLowerCase()}: ${word}`); break; }
            }
            last = t;
          }
        }
      }
    }
    return [...new Set(broken)].slice(0, 20);
  });
}

/** AAA where it is measurable: text contrast of at least 7:1 (axe's color-contrast-enhanced),
 * pointer targets of at least 44×44 px, and no word split inside itself in a table, a summary
 * list or a heading. */
async function expectAAA(page, label) {
  await page.evaluate(AXE_SOURCE);
  const contrast = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast-enhanced'] } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${n.target.join(' ')}: ${n.any.map((a) => a.message).join('; ')}`)).slice(0, 10);
  });
  base.expect(contrast, `text under 7:1 on ${label}`).toEqual([]);
  base.expect(await smallTargets(page), `targets under 44×44 px on ${label}`).toEqual([]);
  base.expect(await brokenWords(page), `words split inside themselves on ${label}`).toEqual([]);
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
  const { overflow, wide } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // What sticks out (outside a scrolling table), to say where the overflow comes from.
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1 && !(e.parentElement && e.parentElement.closest('.table-scroll')))
      .slice(-5)
      .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).trim().replace(/\s+/g, '.')} «${e.textContent.trim().slice(0, 40)}»`);
    return { overflow: document.documentElement.scrollWidth - width, wide };
  });
  base.expect(overflow, `horizontal overflow in px (${wide.join(', ')})`).toBeLessThanOrEqual(0);
}

module.exports = { test, expect: base.expect, waitForApp, startOnUse, holdTheApp, expectAccessible, expectAAA, smallTargets, brokenWords, screenshot, switchLanguage, expectNoHorizontalScroll, LANGS, LANG_NAMES };
