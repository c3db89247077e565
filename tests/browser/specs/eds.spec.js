// EDS in the browser: the demo .p12 keys opened and used in the signer Web Worker (wasm),
// verified by the server — login with the authentication key, and the sign step of an
// application with the signing key, through to its registration number.
const { pdfText } = require('../support/pdf');
const { test, expect, expectAccessible, screenshot, expectNoHorizontalScroll, waitForApp, holdTheApp } = require('../support/harness');
const { key, kalkanSign, mobileSign, PASSWORD } = require('../support/pki');
const { CSRF, PDF, CITIZEN, session, askForCode, enterCode, filledDraft, guardianshipDraft, submitSigned } = require('../support/drafts');
const { STAFF, myId, step, toExamination, decideGuardianship } = require('../support/process');


test.use({ locale: 'kk-KZ' });

test('login with the EDS authentication key opens the account its certificate names', async ({ page }, testInfo) => {
  await page.goto('/login');
  const eds = page.getByRole('region', { name: 'ЭЦҚ арқылы кіру' });
  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles(key('880315412341-auth.p12'));
  await eds.getByLabel('Кілттің құпия сөзі').fill('wrong-password');
  await eds.getByRole('button', { name: 'ЭЦҚ арқылы кіру' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('alert')).toContainText('Құпия сөз бұл кілт файлын ашпайды.');
  await expect(eds.getByLabel('Кілттің құпия сөзі')).toHaveAccessibleDescription(/Құпия сөз бұл кілт файлын ашпайды/);
  await expectAccessible(page, 'EDS login with a wrong password');

  // The signing key is not for logging in: the server says so.
  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles(key('880315412341-signing.p12'));
  await eds.getByLabel('Кілттің құпия сөзі').fill(PASSWORD);
  await eds.getByRole('button', { name: 'ЭЦҚ арқылы кіру' }).click();
  await expect(summary).toContainText('бұл кілт осы әрекетке арналмаған');

  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles(key('880315412341-auth.p12'));
  await eds.getByRole('button', { name: 'ЭЦҚ арқылы кіру' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Мемлекеттік қызметтер');
  await expect(page.getByRole('navigation', { name: 'Тіркелгі' })).toContainText(CITIZEN.name);
  await screenshot(page, testInfo, 'eds-login-done');
});

test('an EDS login begun before the app came: the key file goes over and the press logs in', async ({ page }) => {
  // The login page reads and its fields fill without the app; this one comes late.
  const early = await page.context().newPage();
  const release = await holdTheApp(early);
  await early.goto('/login', { waitUntil: 'domcontentloaded' });
  const eds = early.getByRole('region', { name: 'ЭЦҚ арқылы кіру' });
  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles(key('880315412341-auth.p12'));
  await eds.getByLabel('Кілттің құпия сөзі').fill(PASSWORD);
  await eds.getByRole('button', { name: 'ЭЦҚ арқылы кіру' }).click();
  // Only the app can sign the challenge: the press waits for it, the page stays.
  await expect(early.locator('#first-paint')).toBeAttached();
  await expect(early).toHaveURL(/\/login$/);
  release();
  await expect(early.getByRole('heading', { level: 1 })).toHaveText('Мемлекеттік қызметтер');
  await expect(early.getByRole('navigation', { name: 'Тіркелгі' })).toContainText(CITIZEN.name);
  await early.close();
});

/** A complete guardianship draft of the demo citizen, made through the API the app uses. */
async function readyDraft(request) {
  await session(request, CITIZEN.iin, CITIZEN.password);
  return guardianshipDraft(request);
}

test('a citizen signs with the demo .p12 in the browser and gets a registration number', async ({ page }, testInfo) => {
  const id = await readyDraft(page.request);
  await page.goto(`/applications/${id}/sign`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Өтінішке қол қою және жіберу');
  const document = page.getByRole('region', { name: 'Қол қойылатын құжат' });
  await expect(document).toContainText('parental_care_loss.pdf');
  await expect(document).toContainText(CITIZEN.iin);

  // An expired key opens in the browser, but the server refuses the signature.
  const eds = page.getByRole('region', { name: 'Сіздің ЭЦҚ' });
  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles(key('test/880315412341-expired.p12'));
  await eds.getByLabel('Кілттің құпия сөзі').fill(PASSWORD);
  await eds.getByRole('button', { name: 'Кілтті тексеру' }).click();
  await eds.getByRole('button', { name: 'Қол қойып, жіберу' }).click();
  await expect(page.getByRole('alert')).toContainText('сертификаттың қолданылу мерзімі өтіп кеткен');
  await expect(page).toHaveTitle(/^Қате: /);

  // The right key: its holder is shown before anything is signed.
  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles(key('880315412341-signing.p12'));
  await eds.getByRole('button', { name: 'Кілтті тексеру' }).click();
  const holder = page.locator('#key-holder');
  await expect(holder).toBeFocused();
  await expect(holder).toContainText('НҰРЛАНОВА АЙГҮЛ');
  // The demo key is GOST R 34.10-2015, as NCA RK issues keys today.
  await expect(holder).toContainText('Qyzmet TEST Issuing CA (GOST)');
  await expectAccessible(page, 'sign step with the key holder');
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'sign-key-holder');

  await holder.getByRole('button', { name: 'Қол қойып, жіберу' }).click();
  const done = page.locator('#submitted');
  await expect(done).toBeFocused();
  await expect(done).toContainText(/\d{4}-\d{6}/);
  // The due date as Kazakh readers write it: dd.mm.yyyy.
  await expect(done).toContainText(/Шешім мерзімі: \d\d\.\d\d\.20\d\d\./);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Өтініш жіберілді');
  await expectAccessible(page, 'application submitted');
  await screenshot(page, testInfo, 'sign-submitted');
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);

  // The server registered it, with the signature that was made in the browser.
  const stored = await (await page.request.get(`/api/applications/${id}`)).json();
  expect(stored.status).toBe('registered');
  await expect(done).toContainText(stored.registration_number);
  const signature = await page.request.get(`/api/applications/${id}/signature`);
  expect(signature.headers()['content-type']).toBe('application/pkcs7-signature');
  // Signed in the browser's worker with GOST in NCA RK's profile: the signature algorithm
  // 1.2.398.3.10.1.1.2.3.2, DER-encoded, is in the stored CMS.
  const ncaGost512 = Buffer.from([0x06, 0x0a, 0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x02, 0x03, 0x02]);
  expect((await signature.body()).includes(ncaGost512)).toBe(true);
});

test('a file that is not a key gets its own message beside the file field', async ({ page }) => {
  await page.goto('/login');
  const eds = page.getByRole('region', { name: 'ЭЦҚ арқылы кіру' });
  await eds.getByLabel('Кілт файлы (.p12)').setInputFiles({ name: 'scan.p12', mimeType: 'application/x-pkcs12', buffer: PDF });
  await eds.getByLabel('Кілттің құпия сөзі').fill(PASSWORD);
  await eds.getByRole('button', { name: 'ЭЦҚ арқылы кіру' }).click();
  await expect(page.getByRole('alert')).toContainText('Бұл файл PKCS#12 кілт файлы емес.');
  await expect(eds.getByLabel('Кілт файлы (.p12)')).toHaveAttribute('aria-invalid', 'true');
});

/** Signs like NCALayer would, with OpenSSL and the demo key: a detached CMS, DER. */

test('NCALayer: the bridge sends the basics module\'s sign request, a cancel keeps everything, a signature submits', async ({ page }, testInfo) => {
  const requests = [];
  let cancelNext = true;
  // A fake NCALayer on its fixed port: it greets with its version like the real one, records
  // each request, cancels the first, then signs like Kalkan with the citizen's GOST demo key.
  await page.routeWebSocket('wss://127.0.0.1:13579/', (ws) => {
    ws.send(JSON.stringify({ result: { version: '1.4' } }));
    ws.onMessage((message) => {
      const request = JSON.parse(message);
      requests.push(request);
      if (cancelNext) {
        cancelNext = false;
        ws.send(JSON.stringify({ status: true, body: {} }));
        return;
      }
      const signature = kalkanSign(Buffer.from(request.args.data, 'base64'), key('880315412341-signing.p12'));
      ws.send(JSON.stringify({ status: true, body: { result: [signature] } }));
    });
  });
  const id = await readyDraft(page.request);
  await page.goto(`/applications/${id}/sign`);
  const bridge = page.getByRole('region', { name: 'NCALayer арқылы қол қою' });
  await expect(bridge).toBeVisible();
  await expectAccessible(page, 'sign step with NCALayer offered');

  await bridge.getByRole('button', { name: 'NCALayer арқылы қол қойып, жіберу' }).click();
  await expect(page.getByRole('alert')).toContainText('Қол қою тоқтатылды.');
  const request = requests[0];
  expect(request.module).toBe('kz.gov.pki.knca.basics');
  expect(request.method).toBe('sign');
  expect(request.args.format).toBe('cms');
  expect(request.args.signingParams).toMatchObject({ decode: true, encapsulate: false });
  // A person's signing key: NCA RK's e-mail protection and individual role EKUs.
  expect(request.args.signerParams.extKeyUsageOids).toEqual(['1.3.6.1.5.5.7.3.4', '1.2.398.3.3.4.1.1']);
  expect(request.args.signerParams.iin).toBe(CITIZEN.iin);
  const formed = await (await page.request.get(`/api/applications/${id}/outgoing-document`)).json();
  expect(Buffer.from(request.args.data, 'base64').toString()).toContain(`"id":"${CITIZEN.iin}"`);
  expect(formed.signed).toBe(false);

  await bridge.getByRole('button', { name: 'NCALayer арқылы қол қойып, жіберу' }).click();
  const done = page.locator('#submitted');
  await expect(done).toBeFocused();
  await expect(done).toContainText(/\d{4}-\d{6}/);
  await screenshot(page, testInfo, 'sign-ncalayer-submitted');
});

/** A registered request of the demo citizen (submitted through the API with an OpenSSL signature). */
async function submittedRequest(api) {
  const id = await readyDraft(api);
  await submitSigned(api, id, CITIZEN.iin);
  return id;
}


/** The guardianship authority's office registers the request and its head names the
 * executor, in their own sessions: the request is in review. */
const officerTakes = (api, id) => toExamination(api, id, STAFF.guardianship);

test('a status change arrives live on the open request page and is announced', async ({ page, request }) => {
  const id = await submittedRequest(page.request);
  await page.goto(`/applications/${id}`);
  const status = page.locator('dd.status');
  await expect(status).toHaveText(/Тіркелді/);
  await officerTakes(request, id);
  await expect(page.locator('.live-announcement')).toHaveText('Өтініш күйі өзгерді: Қаралуда.');
  await expect(status).toHaveText(/Қаралуда/);
  await expect(page.getByRole('region', { name: 'Өтініш тарихы' }).getByRole('listitem')).toHaveCount(2);
});

test('a request page read without the app gets it when the status changes, and announces the change', async ({ page, request }) => {
  const id = await submittedRequest(page.request);
  // A reader who only reads: the page came drawn, the app has not been asked for.
  const reader = await page.context().newPage();
  const wasm = [];
  reader.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  await reader.goto(`/applications/${id}`);
  await expect(reader.locator('#first-paint dd.status')).toHaveText(/Тіркелді/);
  await reader.waitForTimeout(1000);
  expect(wasm, 'the app was fetched for a page that was only read').toEqual([]);
  // The office and head take it: the page's news brings the app, which shows and tells it.
  await officerTakes(request, id);
  await expect(reader.locator('.live-announcement')).toHaveText('Өтініш күйі өзгерді: Қаралуда.');
  await expect(reader.locator('#first-paint')).toHaveCount(0);
  await expect(reader.locator('dd.status')).toHaveText(/Қаралуда/);
  expect(wasm.length).toBeGreaterThan(0);
  await reader.close();
});

test('the applicant sees the reasoned refusal and the officer\'s signature checked in the browser', async ({ page, request, browser }, testInfo) => {
  const id = await submittedRequest(page.request);
  // The guardianship authority: the executor prepares a refusal with its reason, the head
  // signs it with their key.
  const reason = 'Денсаулық туралы анықтаманың мерзімі өткен.';
  await decideGuardianship(request, id, { outcome: 'refused', reason });

  await page.goto(`/applications/${id}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Өтініш \d{4}-\d{6}$/);
  const decision = page.getByRole('region', { name: 'Шешім: бас тартылды' });
  await expect(decision).toContainText(reason);
  await decision.getByRole('button', { name: 'Қолтаңбаны осы браузерде тексеру' }).click();
  await expect(decision.getByRole('status')).toContainText('Қол қойған: БАЙЖАНОВА МЕРУЕРТ (ЖСН 741009410712)');
  await expect(decision.getByRole('status')).toContainText('Қолтаңба жарамды.');
  const timeline = page.getByRole('region', { name: 'Өтініш тарихы' });
  await expect(timeline.getByRole('listitem')).toHaveCount(3);
  await expect(timeline.locator('time').first()).toHaveText(/^\d\d\.\d\d\.20\d\d \d\d:\d\d$/);
  // The receipt (қолхат) downloads as a PDF named by the registration number.
  const [receipt] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Қолхатты жүктеп алу (PDF)' }).click(),
  ]);
  expect(receipt.suggestedFilename()).toMatch(/^receipt-\d{4}-\d{6}\.pdf$/);
  // On the paper: the contact phone typed in the form, the due date as Kazakh readers write
  // it, and the code that checks it.
  const receiptText = pdfText(require('fs').readFileSync(await receipt.path()));
  expect(receiptText).toContain('+7 701 123 45 67');
  expect(receiptText).toMatch(/\d\d\.\d\d\.20\d\d/);
  expect(receiptText).toMatch(/Құжат коды: [0-9A-Z]{5}-[0-9A-Z]{5}/);
  await expectAccessible(page, 'a refused request');

  // The refusal letter's code (under its QR code) opens its check for anyone: another phone,
  // no session, sees the status and the provider's signature verified in its own browser.
  const letter = await (await page.request.get(`/api/applications/${id}/result?lang=kk`)).body();
  const code = pdfText(letter).match(/Құжат коды: ([0-9A-Z]{5}-[0-9A-Z]{5})/)[1];
  expect(pdfText(letter)).toContain(`/verify/${code}`);
  const stranger = await browser.newContext({ locale: 'kk-KZ', baseURL: testInfo.project.use.baseURL, viewport: { width: 320, height: 640 } });
  const check = await stranger.newPage();
  const wasm = [];
  check.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  await check.goto(`/verify/${code}`);
  // The check reads as the server drew it; the app comes only when asked for.
  await expect(check.getByRole('heading', { level: 1 })).toHaveText('Құжатты тексеру');
  await expect(check.locator('main')).toContainText('Бұл құжатты Qyzmet порталы берген.');
  await expect(check.locator('main')).toContainText('Мемлекеттік қызмет көрсетуден дәлелді бас тарту');
  await expect(check.locator('main')).toContainText('Бас тартылды');
  await expect(check.locator('main')).toContainText(/\d\d\.\d\d\.20\d\d \d\d:\d\d/);
  await expect(check.locator('#first-paint')).toBeAttached();
  expect(wasm, 'the app was fetched for a page that was only read').toEqual([]);
  // Pressed before the app came: pressed again in it, so the signature is checked.
  await check.getByRole('button', { name: 'Қолтаңбаны осы браузерде тексеру' }).click();
  await expect(check.locator('#first-paint')).toHaveCount(0);
  await expect(check.getByRole('status').filter({ hasText: 'Қол қойған' })).toContainText('БАЙЖАНОВА МЕРУЕРТ (ЖСН 741009410712)');
  await expect(check.getByRole('status').filter({ hasText: 'Қол қойған' })).toContainText('Қолтаңба жарамды.');
  // Nothing of the applicant's beyond the paper: not even their name.
  await expect(check.locator('main')).not.toContainText('Нұрланова');
  await expectAccessible(check, 'a document check');
  await screenshot(check, testInfo, 'document-check');
  await expectNoHorizontalScroll(check);
  await check.goto('/verify/ZZZZZ-ZZZZZ');
  await waitForApp(check);
  await expect(check.getByRole('alert')).toHaveText('Бұл кодпен құжат табылмады. Қағаздағы кодты тексеріңіз.');
  await stranger.close();
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'request-refused');
});

test('the office, the executor and the head each make their step in the browser; the applicant sees who looked', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(90_000);
  const staff = STAFF.guardianship;
  // The citizen's request, submitted in their own session.
  await session(request, CITIZEN.iin, CITIZEN.password);
  const id = await submittedRequest(request);
  const number = (await (await request.get(`/api/applications/${id}`)).json()).registration_number;

  // The clerk (office and executor) logs in through the page.
  await page.goto('/login');
  await page.getByLabel('ЖСН немесе БСН').fill(staff.clerk.iin);
  await page.getByLabel('Құпия сөз', { exact: true }).fill(staff.clerk.password);
  const sent = await askForCode(page, page.getByRole('button', { name: 'Кіру', exact: true }));
  await enterCode(page, staff.clerk.iin, sent);
  await page.getByRole('navigation', { name: 'Тіркелгі' }).getByRole('link', { name: 'Өтініштер кезегі' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Өтініштер кезегі');
  // The office's own tab holds the new request, at its first step.
  await page.getByLabel('Көрсету').selectOption('mine');
  const row = page.getByRole('row').filter({ hasText: number });
  await expect(row).toContainText('Тіркелді');
  await expect(row).toContainText('1-қадам: Кеңсе тіркейді');
  await expectAccessible(page, 'officer queue');
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'officer-queue');
  await row.getByRole('link', { name: number }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Өтініш ${number}`);
  const process = page.getByRole('region', { name: 'Көрсетілетін қызметті берушінің рәсімі' });
  await expect(process.locator('#process-current')).toHaveText('1-қадам: Кеңсе тіркейді және басшыға жолдайды');
  await process.getByRole('button', { name: 'Тіркелді, басшыға жолдау' }).click();
  await expect(page.locator('#officer-announcement')).toContainText('Қазір: 2-қадам: Басшы жауапты орындаушыны айқындайды');
  await expect(page.locator('#officer-announcement')).toBeFocused();

  // The head names the clerk the executor (through the API, in the head's session).
  const clerkId = await myId(page.request);
  await session(request, staff.head.iin, staff.head.password);
  await step(request, id, { step: 1, executor: clerkId });

  // The executor prepares the refusal for the head: its reason is required.
  await page.reload();
  const form = page.getByRole('region', { name: 'Нәтижені басшының қолына дайындау' });
  await form.getByLabel('Бас тарту', { exact: true }).check();
  await form.getByRole('button', { name: 'Басшының қол қоюына жолдау' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary).toContainText('Бас тарту себебін көрсетіңіз');
  // The field errors read as errors too (the hidden "Error:" before them).
  await expect(form.getByLabel('Бас тарту себебі')).toHaveAccessibleDescription(/^.*Қате: Бас тарту себебін көрсетіңіз/);
  await expectAccessible(page, 'executor preparing with errors');
  const reason = 'Денсаулық туралы анықтаманың мерзімі өткен.';
  await form.getByLabel('Бас тарту себебі').fill(reason);
  await form.getByRole('button', { name: 'Басшының қол қоюына жолдау' }).click();
  await expect(page.locator('#officer-announcement')).toContainText('4-қадам: Басшы қол қояды');
  // The executor does not sign: no decision form for them.
  await expect(page.getByRole('region', { name: 'Шешім', exact: true })).toHaveCount(0);
  await expect(process.locator('#process-prepared')).toContainText(reason);

  // The head, in their own browser, signs what was prepared with their GOST key.
  const headContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'kk-KZ' });
  const head = await headContext.newPage();
  await session(head.request, staff.head.iin, staff.head.password);
  await head.goto('/officer');
  await head.getByLabel('Көрсету').selectOption('sign');
  await head.getByRole('row').filter({ hasText: number }).getByRole('link', { name: number }).click();
  const decision = head.getByRole('region', { name: 'Шешім', exact: true });
  await expect(decision.getByLabel('Бас тарту', { exact: true })).toBeChecked();
  await expect(decision.getByLabel('Бас тарту себебі')).toHaveValue(reason);
  await decision.getByLabel('Кілт файлы (.p12)').setInputFiles(key(`${staff.head.iin}-signing.p12`));
  await decision.getByLabel('Кілттің құпия сөзі').fill(PASSWORD);
  await expectAccessible(head, 'head signing a prepared refusal');
  await decision.getByRole('button', { name: 'Шешімге ЭЦҚ-мен қол қою' }).click();
  await expect(head.locator('#officer-announcement')).toContainText('Өтініш күйі өзгерді: Бас тартылды.');
  await expect(head.getByRole('region', { name: 'Шешім', exact: true })).toHaveCount(0);
  await screenshot(head, testInfo, 'officer-decided');
  await headContext.close();

  // The office issues the result; the process is over, and its log says who did what.
  await page.reload();
  await process.getByRole('button', { name: 'Нәтиже берілді' }).click();
  await expect(process.locator('#process-current')).toHaveText('Барлық қадам орындалды');
  await expect(process.locator('.process-log li')).toHaveCount(5);
  await expectAccessible(page, 'officer request decided');
  // Narrow screens (320 px, as at 200 % zoom of 640 px): no sideways scrolling.
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.goto('/officer');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Өтініштер кезегі');
  await expectNoHorizontalScroll(page);

  // The applicant's own browser checks the head's GOST signature before saying it is valid,
  // and reads who looked at the application.
  const applicant = await browser.newContext({ baseURL: testInfo.project.use.baseURL, locale: 'kk-KZ' });
  const tab = await applicant.newPage();
  await session(tab.request, CITIZEN.iin, CITIZEN.password);
  await tab.goto(`/applications/${id}`);
  await tab.getByRole('button', { name: 'Қолтаңбаны осы браузерде тексеру' }).click();
  const verdict = tab.getByRole('region', { name: 'Шешім: бас тартылды' }).getByRole('status');
  await expect(verdict).toContainText('Қол қойған: БАЙЖАНОВА МЕРУЕРТ (ЖСН 741009410712)');
  await expect(verdict).toContainText('Қолтаңба жарамды.');
  const looked = tab.getByRole('region', { name: 'Өтінішімді кім қарады' });
  await expect(looked).toContainText(`${staff.head.name} (Басшы)`);
  await expect(looked).toContainText(`${staff.clerk.name} (Кеңсе, Жауапты орындаушы)`);
  await expectAccessible(tab, 'who looked at my application');
  await applicant.close();
});

test('an expert signs from a phone with eGov mobile: the cross link, the TEST phone signer, registered live', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const id = await filledDraft(page.request, 'expert-attestation-almaty', 'main', {
    field: 'expert_work', speciality: 'Өнеркәсіптік және азаматтық құрылыс', experience_years: '12',
    attested_before: 'no', phone: '+7 701 123 45 67', email: 'aigul@example.kz',
  }, ['diploma', 'work_record']);
  await page.goto(`/applications/${id}/sign`);
  const mobile = page.getByRole('region', { name: 'eGov mobile арқылы қол қою' });
  await mobile.getByRole('button', { name: 'eGov mobile үшін QR кодын көрсету' }).click();
  const waiting = page.locator('#mobile-sign-waiting');
  await expect(waiting).toBeFocused();
  await expect(waiting.getByRole('img', { name: 'eGov mobile арқылы қол қоюға арналған QR коды' })).toBeVisible();
  await expect(waiting.getByRole('status')).toContainText('eGov mobile-дан қолтаңба күтілуде');
  const open = waiting.getByRole('link', { name: 'eGov mobile қосымшасын ашу' });
  const link = await open.getAttribute('href');
  expect(link).toMatch(/^https:\/\/m\.egov\.kz\/mobileSign\/\?link=http/);
  await expectAccessible(page, 'sign step waiting for eGov mobile');
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'sign-egov-mobile-waiting');
  // The narrowest phone the portal supports: the QR code shrinks, nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await expect(waiting.getByRole('img')).toBeVisible();

  // The phone: the TEST signer follows the protocol with the citizen's GOST key.
  const answer = await mobileSign(link, key('880315412341-signing.p12'));
  expect(answer).toMatch(/^200 Қол қойылды\./);
  const done = page.locator('#submitted');
  await expect(done).toBeFocused();
  await expect(done).toContainText(/\d{4}-\d{6}/);
  const stored = await (await page.request.get(`/api/applications/${id}`)).json();
  expect(answer).toContain(stored.registration_number);
  await expectAccessible(page, 'submitted from eGov mobile');
  await screenshot(page, testInfo, 'sign-egov-mobile-submitted');
});

test.describe('the sign step on a machine without NCALayer', () => {
  // The click's own refused connection is the one error expected here; a probe on load would
  // show as an error before the click.
  test.use({ expectedConsoleErrors: /wss:\/\/127\.0\.0\.1:13579/ });

  test('offers NCALayer without probing for it; a click says it does not answer and keeps the page', async ({ page }) => {
    const attempts = [];
    page.on('console', (m) => { if (/13579/.test(m.text())) attempts.push(m.text()); });
    const id = await readyDraft(page.request);
    await page.goto(`/applications/${id}/sign`);
    const bridge = page.getByRole('region', { name: 'NCALayer арқылы қол қою' });
    await expect(bridge).toBeVisible();
    // The key-file way is there and nothing tried NCALayer's port on its own.
    await page.getByLabel('Кілт файлы (.p12)').setInputFiles(key('880315412341-signing.p12'));
    await page.waitForTimeout(500);
    expect(attempts, 'NCALayer probed on load').toEqual([]);

    await bridge.getByRole('button', { name: 'NCALayer арқылы қол қойып, жіберу' }).click();
    await expect(page.getByRole('alert')).toContainText('NCALayer жауап бермейді. Оның іске қосулы екенін тексеріңіз.');
    // Nothing was lost: the chosen key file is still chosen, the request is still a draft.
    expect(await page.getByLabel('Кілт файлы (.p12)').evaluate((input) => input.files.length)).toBe(1);
    const draft = await (await page.request.get(`/api/applications/${id}`)).json();
    expect(draft.status).toBe('draft');
  });
});

test('the sign step of an application not yet complete says how much is missing and leads back to its form', async ({ page }) => {
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const res = await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  await page.goto(`/applications/${id}/sign`);
  await expect(page.getByRole('alert')).toHaveText('Өтініш әлі толтырылмаған: 10 жауап немесе құжат жетіспейді. Қол қоюдан бұрын форманы толтырыңыз.');
  await expectAccessible(page, 'the sign step of an incomplete application');
  await page.getByRole('link', { name: 'Өтініш формасына оралу' }).click();
  await expect(page).toHaveURL(new RegExp(`/applications/${id}/edit$`));
  // The application's sections, and how much of it is done.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Сіздің өтінішіңіз');
  await expect(page.getByText(/6 бөлімнің \d бөлімі толтырылды/)).toBeVisible();
});
