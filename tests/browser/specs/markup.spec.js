// Markup that validates: the W3C Nu Html Checker (vnu-jar, run with the machine's Java) finds
// no error in any page the portal serves — as the server draws it and as the DOM stands once
// the app has drawn itself — in kk, ru and en, for a visitor, an applicant, the provider's
// staff, the State Corporation's desk and the administrator. Each served page has its <h1>.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { test, expect, LANGS } = require('../support/harness');
const { CSRF, CITIZEN, session, guardianshipDraft, submitSigned } = require('../support/drafts');
const { STAFF } = require('../support/process');

const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');
const ADMIN = { iin: '810719435790', password: 'Admin-demo-2026' };

/** The checker's errors over every file in `dir`: "file:line: message «extract»" lines. */
function validate(dir) {
  const files = fs.readdirSync(dir).map((f) => path.join(dir, f));
  let out;
  try {
    execFileSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], { stdio: 'pipe' });
    return [];
  } catch (e) {
    out = e.stderr.toString('utf8');
  }
  return JSON.parse(out).messages
    .filter((m) => m.type === 'error')
    .map((m) => `${path.basename(decodeURIComponent(m.url))}:${m.lastLine}: ${m.message} «${(m.extract || '').trim()}»`);
}

/** Saves `url` as the server serves it and as the app leaves it, in `dir`. */
async function keep(page, dir, lang, url) {
  const name = `${lang}-${fs.readdirSync(dir).length}${url.replace(/[^a-z0-9]+/gi, '_')}`;
  const separator = url.includes('?') ? '&' : '?';
  const served = await page.request.get(`${url}${separator}lang=${lang}`);
  const html = await served.text();
  expect(html, `${url} served with its <h1>`).toMatch(/<h1[\s>]/);
  fs.writeFileSync(path.join(dir, `${name}.served.html`), html);
  await page.goto(`${url}${separator}lang=${lang}`);
  await expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
  fs.writeFileSync(path.join(dir, `${name}.app.html`), `<!doctype html>\n${await page.evaluate(() => document.documentElement.outerHTML)}`);
}

for (const lang of LANGS) {
  test(`every page validates in ${lang}, served and drawn`, async ({ page, request }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'the markup is the same at every width');
    test.setTimeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `qyzmet-vnu-${lang}-`));

    for (const url of ['/', '/services/guardianship', '/services/grain-warehouse-licence', '/login', '/register',
      '/test-sms-outbox', '/test-sms-outbox?phone=%2B77011234567', '/verify/AAAAA-AAAAA', '/no-such-page']) {
      await keep(page, dir, lang, url);
    }

    await session(page.request, CITIZEN.iin, CITIZEN.password);
    const draft = await guardianshipDraft(page.request);
    const done = await guardianshipDraft(page.request);
    await submitSigned(page.request, done, CITIZEN.iin);
    // A step sent empty: the error summary and the fields' errors, as the app draws them.
    const empty = await (await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } })).json();
    await page.goto(`/applications/${empty.id}/edit?step=applicant&lang=${lang}`);
    await page.locator('form button[type="submit"]').click();
    await expect(page.locator('.error-summary')).toBeFocused();
    fs.writeFileSync(path.join(dir, `${lang}-errors.app.html`), `<!doctype html>\n${await page.evaluate(() => document.documentElement.outerHTML)}`);
    for (const url of ['/cabinet', `/applications/${draft}/edit`, `/applications/${draft}/edit?step=children`,
      `/applications/${draft}/edit?step=documents`, `/applications/${draft}/edit?step=check`,
      `/applications/${draft}/sign`, `/applications/${done}`]) {
      await keep(page, dir, lang, url);
    }

    const staff = STAFF.guardianship;
    await session(page.request, staff.clerk.iin, staff.clerk.password);
    for (const url of ['/officer', '/officer?tab=overdue', `/officer/requests/${done}`, '/counter']) {
      await keep(page, dir, lang, url);
    }
    await session(page.request, STAFF.stateCorporation.operator.iin, STAFF.stateCorporation.operator.password);
    await keep(page, dir, lang, '/counter');
    await session(page.request, ADMIN.iin, ADMIN.password);
    await keep(page, dir, lang, '/admin/staff');

    const errors = validate(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(errors, `the Nu Html Checker's errors in ${lang}`).toEqual([]);
  });
}
