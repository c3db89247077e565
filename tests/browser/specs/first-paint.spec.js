// Pages the server renders: they read and work with JavaScript off (the catalogue lists,
// searches and filters; a service page reads in full; the login form logs in; pages that need
// script say so), and with it on the app takes over without losing what the visitor did.
const base = require('@playwright/test');
const { test, expect, expectAccessible, waitForApp, holdTheApp } = require('../support/harness');
const { CITIZEN, PHONES, codeFor, session, guardianshipDraft, submitSigned } = require('../support/drafts');

base.test.describe('without JavaScript', () => {
  for (const [lang, showButton, catalogue] of [
    ['kk', 'Қызметтерді көрсету', 'Қызметтер каталогы'],
    ['ru', 'Показать услуги', 'Каталог услуг'],
    ['en', 'Show services', 'Service catalogue'],
  ]) {
    base.test(`the catalogue lists, searches and filters in ${lang}`, async ({ browser }) => {
      const context = await browser.newContext({ javaScriptEnabled: false, locale: lang });
      const page = await context.newPage();
      await page.goto('/');
      await base.expect(page.locator('html')).toHaveAttribute('lang', lang);
      await base.expect(page.getByRole('heading', { level: 2, name: catalogue })).toBeVisible();
      const cards = page.getByRole('article');
      await base.expect(cards).toHaveCount(10);
      await page.locator('#search').fill(lang === 'en' ? 'guardianship' : lang === 'ru' ? 'опека' : 'қорғаншылық');
      await page.getByRole('button', { name: showButton }).click();
      await base.expect(page).toHaveURL(/[?&]q=/);
      const found = await cards.count();
      base.expect(found).toBeGreaterThan(0);
      base.expect(found).toBeLessThan(10);
      await page.goto('/');
      await page.locator('#filter-who').selectOption('company');
      await page.getByRole('button', { name: showButton }).click();
      await base.expect(page).toHaveURL(/who=company/);
      base.expect(await cards.count()).toBeLessThan(10);
      await base.expect(page.locator('#filter-who')).toHaveValue('company');
      await context.close();
    });
  }

  base.test('the language switcher works without script, keeps the page\'s filters and is remembered', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'kk' });
    const page = await context.newPage();
    await page.goto('/?who=company');
    await base.expect(page.locator('html')).toHaveAttribute('lang', 'kk');
    await page.getByRole('button', { name: 'Русский' }).click();
    await base.expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await base.expect(page).toHaveURL(/who=company/);
    await base.expect(page.locator('#filter-who')).toHaveValue('company');
    await base.expect(page.getByRole('button', { name: 'Русский' })).toHaveAttribute('aria-pressed', 'true');
    // The next page, asked without ?lang=, is in the language chosen.
    await page.goto('/login');
    await base.expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await base.expect(page.getByRole('heading', { level: 1 })).toHaveText('Вход на портал');
    await context.close();
  });

  base.test('a service page reads in full', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'ru' });
    const page = await context.newPage();
    await page.goto('/');
    await page.getByRole('article').first().getByRole('link').first().click();
    await base.expect(page).toHaveURL(/\/services\//);
    await base.expect(page.getByRole('heading', { level: 1 })).not.toBeEmpty();
    for (const id of ['#prepare-heading', '#provider-heading', '#apply-heading']) {
      await base.expect(page.locator(id)).toBeVisible();
    }
    await context.close();
  });

  base.test('from a service page to the application\'s task list, logging in with a code on the way', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en' });
    const page = await context.newPage();
    await page.goto('/services/guardianship');
    await page.getByRole('button', { name: 'Log in to apply' }).click();
    await base.expect(page).toHaveURL(/\/login\?next=/);
    await page.locator('#login').fill(CITIZEN.iin);
    await page.locator('#password').fill(CITIZEN.password);
    await page.locator('#password').press('Enter');
    // The code is read on the TEST SMS page, which works without script too (its form is a GET).
    await base.expect(page.locator('#code-sent')).toContainText('+7 701 *** ** 67');
    const phone = await context.newPage();
    await phone.goto('/test-sms-outbox');
    await phone.getByLabel('Phone number').fill(PHONES[CITIZEN.iin]);
    await phone.getByRole('button', { name: 'Show messages' }).click();
    await base.expect(phone).toHaveURL(/phone=/);
    // The outbox is the phone's, shared with journeys running beside this one: the code is
    // the one sent for this login (its verification), which the page must show.
    const verification = await page.locator('input[name="verification_id"]').inputValue();
    const code = await codeFor(context.request, PHONES[CITIZEN.iin], verification);
    const shown = await phone.locator('ol.outbox li p:first-child').allTextContents();
    base.expect(shown.some((text) => text.includes(code)), shown.join(' | ')).toBe(true);
    await page.locator('#code').fill(code);
    await page.locator('#code').press('Enter');
    // Back where they were going, logged in: the service's form starts the application.
    await base.expect(page).toHaveURL(/\/services\/guardianship$/);
    await page.getByRole('button', { name: 'Start application' }).click();
    await base.expect(page).toHaveURL(/\/applications\/[0-9a-f]+\/edit$/);
    // The task list reads: its title, its steps and where each stands.
    await base.expect(page.getByRole('heading', { level: 1 })).toHaveText('Your application');
    const tasks = page.locator('.task-list');
    await base.expect(tasks.getByRole('link', { name: 'About you' })).toBeVisible();
    await base.expect(tasks.getByRole('link', { name: 'Documents' })).toBeVisible();
    // A step's page reads too, its fields drawn.
    await tasks.getByRole('link', { name: 'About you' }).click();
    await base.expect(page.getByRole('heading', { level: 1 })).toHaveText('About you');
    await base.expect(page.getByLabel('Home address')).toBeVisible();
    await context.close();
  });

  base.test('the login form logs in; the cabinet and a request read; a page that needs script says so', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('#login').fill(CITIZEN.iin);
    await page.locator('#password').fill('not the password');
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await base.expect(page.locator('.error-summary')).toBeVisible();
    await base.expect(page.locator('#login')).toHaveValue(CITIZEN.iin);
    await page.locator('#password').fill(CITIZEN.password);
    await page.locator('#password').press('Enter');
    await base.expect(page.locator('#code')).toBeVisible();
    const id = await page.locator('input[name="verification_id"]').inputValue();
    await page.locator('#code').fill(await codeFor(page.request, PHONES[CITIZEN.iin], id));
    await page.locator('#code').press('Enter');
    await base.expect(page).toHaveURL(/\/cabinet$/);
    await base.expect(page.locator('.account-name')).toHaveText(CITIZEN.name);
    await base.expect(page.getByRole('heading', { level: 1 })).toHaveText('Personal cabinet');
    // A request registered (through the API, signed with OpenSSL) reads with its status and history.
    const request = await guardianshipDraft(page.request);
    await submitSigned(page.request, request, CITIZEN.iin);
    await page.goto('/cabinet');
    await page.locator('#filter-status').selectOption('registered');
    await page.getByRole('button', { name: 'Show' }).click();
    await base.expect(page).toHaveURL(/status=registered/);
    await page.locator(`.application-list a[href="/applications/${request}"]`).first().click();
    await base.expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Request \d{4}-\d{6}$/);
    await base.expect(page.locator('dd.status')).toContainText('Registered');
    await base.expect(page.locator('#timeline-title')).toBeVisible();
    await base.expect(page.locator('main noscript')).toHaveCount(0);
    await page.goto(`/applications/${request}/edit`);
    await base.expect(page.locator('main noscript .notice-warning')).toContainText('This page works only with JavaScript turned on');
    // "Log out" works without script too.
    await page.getByRole('button', { name: 'Log out' }).click();
    await base.expect(page).toHaveURL(/\/$/);
    await base.expect(page.locator('.account-menu')).toContainText('Log in');
    await base.expect(page.locator('.account-name')).toHaveCount(0);
    await context.close();
  });
});

test.describe('with JavaScript', () => {
  test.use({ locale: 'en-GB' });

  test('a language chosen in the server\'s copy outranks the one saved before', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.goto('/');
    await waitForApp(page);
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'kk');
    // The copy's switcher sends ?lang=ru (here by address): the app starts in Russian and
    // remembers it, though Kazakh was saved in this browser.
    await page.goto('/?lang=ru');
    await waitForApp(page);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await expect(page.getByRole('button', { name: 'Русский' })).toHaveAttribute('aria-pressed', 'true');
    await page.goto('/login');
    await waitForApp(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Вход на портал');
    await context.close();
  });

  test('what is typed in the server\'s page before the app arrives is kept', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    // A slow connection: the app's wasm arrives late.
    await page.route('**/*.wasm', async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    await page.goto('/', { waitUntil: 'domcontentloaded' });
    await expect(page.locator('#first-paint')).toBeAttached();
    await page.locator('#search').fill('guardianship');
    await waitForApp(page);
    await expect(page.locator('#search')).toHaveValue('guardianship');
    await expect(page.locator('#search')).toBeFocused();
    await expect(page.getByRole('article').filter({ hasText: /^Guardianship or custody/ })).toHaveCount(1);
    expect(await page.getByRole('article').count()).toBeLessThan(10);
    await context.close();
  });

  test('the code step a password sent before the app reached survives the app starting', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    // The app's wasm waits until the server has drawn the code step.
    const release = await holdTheApp(page);
    await page.goto('/login', { waitUntil: 'domcontentloaded' });
    await page.locator('#login').fill(CITIZEN.iin);
    await page.locator('#password').fill(CITIZEN.password);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expect(page.locator('#code-sent')).toContainText('+7 701 *** ** 67');
    const id = await page.locator('input[name="verification_id"]').inputValue();
    release();
    await waitForApp(page);
    // The app took the step over: the same code, no second SMS, no password asked again.
    await expect(page.locator('#code-sent')).toContainText('+7 701 *** ** 67');
    await expect(page.locator('#password')).toHaveCount(0);
    await page.locator('#code').fill(await codeFor(page.request, PHONES[CITIZEN.iin], id));
    await page.getByRole('button', { name: 'Confirm and log in' }).click();
    await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
    await context.close();
  });

  test('"Start application" clicked before the app arrived starts the application', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await session(page.request, CITIZEN.iin, CITIZEN.password);
    const release = await holdTheApp(page);
    await page.goto('/services/guardianship', { waitUntil: 'domcontentloaded' });
    await page.getByRole('button', { name: 'Start application' }).click();
    // The server's form started it: the draft's form, not the service page again.
    await expect(page).toHaveURL(/\/applications\/[^/]+\/edit$/);
    release();
    await waitForApp(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your application');
    await expect(page.locator('.task-list')).toBeVisible();
    await context.close();
  });

  test('the app draws its first page in parts and shows it whole, never beside the copy', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    // At every change of the app's root: was it visible while the server's copy was still
    // there (two pages at once), or shown before its parts were all drawn?
    await page.addInitScript(() => {
      window.__seen = [];
      new MutationObserver(() => {
        const app = document.getElementById('app');
        if (!app) return;
        window.__seen.push({
          copy: !!document.getElementById('first-paint'),
          visible: app.checkVisibility({ visibilityProperty: true }) && app.getBoundingClientRect().height > 0,
          footer: !!app.querySelector('footer p'),
          tools: !!app.querySelector('.header-tools button'),
        });
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['hidden', 'class'] });
    });
    for (const [path, part] of [['/', '.service-list li'], ['/services/guardianship', '.provider']]) {
      await page.goto(path);
      await waitForApp(page);
      const seen = await page.evaluate(() => window.__seen);
      expect(seen.filter((s) => s.copy && s.visible), `${path}: the app showed beside the copy`).toEqual([]);
      expect(seen.filter((s) => s.visible && !(s.footer && s.tools)), `${path}: shown in part`).toEqual([]);
      expect(seen.some((s) => s.visible), `${path}: the app was shown`).toBe(true);
      // Drawn once each, in the app, which is shown as itself.
      const app = page.locator('#app');
      await expect(app).not.toHaveAttribute('class', /./);
      await expect(app).not.toHaveAttribute('hidden', /.*/);
      await expect(page.locator('footer')).toHaveCount(1);
      await expect(page.locator('.header-tools')).toHaveCount(1);
      await expect(page.getByRole('button', { name: 'Русский' })).toHaveCount(1);
      await expect(app.locator(part).first()).toBeVisible();
      // What was drawn in a later task works: the language switcher drawn after the frame.
      await page.getByRole('button', { name: 'Русский' }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
      await page.getByRole('button', { name: 'English' }).click();
      await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    }
    await context.close();
  });

  test('a page a translation tool or an extension changed before the app arrived still works', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.route('**/*.wasm', async (route) => {
      await new Promise((r) => setTimeout(r, 1000));
      await route.continue();
    });
    await page.goto('/', { waitUntil: 'domcontentloaded' });
    await expect(page.locator('#first-paint')).toBeAttached();
    // What the browser's own translation does (every text wrapped in <font>), and what an
    // extension does (an element of its own in the page): an app that hydrated the server's
    // nodes would meet nodes it did not render and stop; the app draws its own.
    await page.evaluate(() => {
      const copy = document.getElementById('first-paint');
      const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
      const texts = [];
      while (walker.nextNode()) if (walker.currentNode.data.trim()) texts.push(walker.currentNode);
      for (const text of texts) {
        const font = document.createElement('font');
        font.style.verticalAlign = 'inherit';
        text.replaceWith(font);
        font.append(text);
      }
      const extension = document.createElement('div');
      extension.setAttribute('data-extension', '');
      copy.querySelector('main').prepend(extension);
      copy.setAttribute('data-changed', String(texts.length));
    });
    expect(Number(await page.locator('#first-paint').getAttribute('data-changed'))).toBeGreaterThan(20);
    await waitForApp(page);
    expect(errors).toEqual([]);
    await expect(page.locator('font')).toHaveCount(0);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    // The app works: it switches language and follows a link without loading a page.
    await page.getByRole('button', { name: 'Русский' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.locator('.service-list a[href="/services/guardianship"]').first().click();
    await expect(page).toHaveURL(/\/services\/guardianship$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Установление опеки или попечительства над ребёнком-сиротой/);
    expect(await page.evaluate(() => window.__sameDocument)).toBe(true);
    await context.close();
  });

  test('the first page is drawn with what came with it; another language or page is fetched', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const asked = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/api/')) asked.push(url.pathname + url.search);
    });
    const heading = page.getByRole('heading', { level: 1 });
    await page.goto('/services/guardianship');
    await waitForApp(page);
    await expect(heading).toHaveText('Guardianship or custody over an orphan or a child left without parental care');
    expect(asked.filter((a) => a.startsWith('/api/services')), 'asked for what the page showed').toEqual([]);
    // Another language is asked for and shown; the first one again is what came with the page.
    await page.getByRole('button', { name: 'Русский' }).click();
    await expect(heading).toHaveText(/^Установление опеки или попечительства над ребёнком-сиротой/);
    expect(asked).toContain('/api/services/guardianship?lang=ru');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(heading).toHaveText('Guardianship or custody over an orphan or a child left without parental care');
    // The catalogue: drawn at once, and a service opened from it is asked for.
    asked.length = 0;
    await page.goto('/');
    await waitForApp(page);
    await expect(page.getByRole('article')).toHaveCount(10);
    expect(asked.filter((a) => a.startsWith('/api/services')), 'asked for the catalogue shown').toEqual([]);
    await page.locator('.service-list a[href="/services/survey-licence"]').click();
    await expect(page).toHaveURL(/\/services\/survey-licence$/);
    await expect(heading).not.toHaveText(/Guardianship/);
    expect(asked.some((a) => a.startsWith('/api/services/survey-licence'))).toBe(true);
    // Back in the catalogue (the app's own page now): the list is there again.
    await page.goBack();
    await expect(page.getByRole('article')).toHaveCount(10);

    // An applicant's cabinet and request: drawn with what came with them.
    await session(page.request, CITIZEN.iin, CITIZEN.password);
    const id = await guardianshipDraft(page.request);
    const registered = await submitSigned(page.request, id, CITIZEN.iin);
    asked.length = 0;
    await page.goto('/cabinet');
    await waitForApp(page);
    await expect(page.locator('.application-list')).toContainText(registered.registration_number);
    await page.goto(`/applications/${id}`);
    await waitForApp(page);
    await expect(heading).toContainText(registered.registration_number);
    await expect(page.locator('.summary')).toContainText('Guardianship or custody');
    expect(asked.filter((a) => /^\/api\/(applications|notifications|services)/.test(a)), 'asked for what the pages showed').toEqual([]);
    // Its status changes in another language: asked for.
    await page.getByRole('button', { name: 'Қазақша' }).click();
    await expect(page.locator('.summary')).toContainText('Жетім балаға (жетім балаларға)');
    expect(asked.some((a) => a.startsWith(`/api/applications/${id}?`) && a.includes('lang=kk'))).toBe(true);
    await context.close();
  });

  test('the rendered page and the app agree: same title, language and headings, no errors', async ({ page }) => {
    for (const path of ['/', '/services/guardianship', '/login', '/no/such/page']) {
      const res = await page.request.get(path, { headers: { 'accept-language': 'en' } });
      const html = await res.text();
      const title = html.match(/<title>([^<]*)<\/title>/)[1].replace(/&amp;/g, '&');
      await page.goto(path);
      await expect(page).toHaveTitle(title);
      await expect(page.locator('#app h1')).toHaveCount(1);
      await expectAccessible(page, `${path} after the app took over`);
    }
  });
});

test.describe('the login page on a machine without NCALayer', () => {
  test.use({ locale: 'en-GB' });
  // The page no longer probes NCALayer's port on load (a refused connection is a console
  // error for every visitor); the button is offered, and a click where NCALayer does not run
  // says so. The click's own refused connection is the one error expected here.
  test.use({ expectedConsoleErrors: /wss:\/\/127\.0\.0\.1:13579/ });

  test('offers NCALayer and says it does not answer', async ({ page }) => {
    await page.goto('/login');
    await page.getByRole('button', { name: 'Log in with NCALayer' }).click();
    await expect(page.locator('.error-summary')).toContainText('NCALayer does not answer. Check that it is running.');
    await expect(page.locator('.error-summary')).toBeFocused();
  });
});
