// The Content-Security-Policy holds on every page: no page reports a violation while it loads
// and works (the app's wasm, its split files, the signer worker, the API docs), and a script
// injected inline does not run.
const { test, expect } = require('../support/harness');
const { CITIZEN, session, guardianshipDraft } = require('../support/drafts');

test.use({ locale: 'kk-KZ', expectedConsoleErrors: /Content Security Policy/ });

async function recordViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
}

const violations = (page) => page.evaluate(() => window.__cspViolations);

test('no page reports a CSP violation, and the policy allows no inline script', async ({ page }) => {
  await recordViolations(page);
  const res = await page.goto('/');
  const csp = res.headers()['content-security-policy'];
  expect(csp).toMatch(/^default-src 'self'/);
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')).split(' ');
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  expect(res.headers()['permissions-policy']).toContain('geolocation=()');

  const pages = ['/', '/login', '/register', '/test-sms-outbox', '/services/guardianship', '/no-such-page'];
  for (const path of pages) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const id = await guardianshipDraft(page.request);
  for (const path of ['/cabinet', `/applications/${id}/edit`, `/applications/${id}/edit?step=check`, `/applications/${id}/sign`]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await violations(page), path).toEqual([]);
  }
  await page.goto('/api/docs');
  await expect(page.locator('body')).toContainText('Qyzmet API');
  expect(await violations(page), '/api/docs').toEqual([]);
});

test('a script injected inline into the page does not run', async ({ page }) => {
  await recordViolations(page);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 100));
    return window.__injected === true;
  });
  expect(ran).toBe(false);
  expect((await violations(page)).some((v) => v.startsWith('script-src'))).toBe(true);
});
