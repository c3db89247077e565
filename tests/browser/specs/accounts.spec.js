// Logging in and registering: the error summary, fields tied to their errors, the domain's
// IIN/BIN rules in the browser, the server's answers, and the header after login.
const { test, expect, expectAccessible, screenshot, switchLanguage, expectNoHorizontalScroll } = require('../support/harness');
const { key, PASSWORD } = require('../support/pki');
const { PHONES, codeFor, askForCode, enterCode, session } = require('../support/drafts');

const CITIZEN = { iin: '880315412341', password: 'Aigul-demo-2026', name: 'Нұрланова Айгүл Серікқызы' };

test.use({ locale: 'kk-KZ' });

test('an empty login form shows the error summary, focused, with links to each field', async ({ page }, testInfo) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  // The summary box takes focus; the alert is inside it (as GOV.UK's: a focused alert makes
  // screen readers race).
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('alert').getByRole('heading')).toHaveText('Қатені түзетіңіз');
  await expect(page).toHaveTitle(/^Қате: /);
  const login = page.getByLabel('ЖСН немесе БСН');
  await expect(login).toHaveAttribute('aria-invalid', 'true');
  await expect(login).toHaveAccessibleDescription(/Бұл өрісті толтырыңыз/);
  await summary.getByRole('link').first().click();
  await expect(login).toBeFocused();
  await expectAccessible(page, 'login with errors');
  await screenshot(page, testInfo, 'login-errors');
});

test('the IIN is checked by the domain rules before anything is sent, and nothing typed is lost', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('ЖСН немесе БСН').fill('801201700123');
  await page.getByLabel('Құпия сөз', { exact: true }).fill('some password');
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('ЖСН-нің 7-цифры 1-ден 6-ға дейін болуы керек.');
  await expect(page.getByLabel('ЖСН немесе БСН')).toHaveValue('801201700123');
  await expect(page.getByLabel('Құпия сөз', { exact: true })).toHaveValue('some password');
});

test('a wrong password gets the server\'s message; the right one logs in and shows the name', async ({ page }, testInfo) => {
  await page.goto('/login');
  await page.getByLabel('ЖСН немесе БСН').fill(CITIZEN.iin);
  await page.getByLabel('Құпия сөз', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('ЖСН/БСН немесе құпия сөз дұрыс емес.');

  await page.getByLabel('Құпия сөз', { exact: true }).fill(CITIZEN.password);
  const sent = await askForCode(page, page.getByRole('button', { name: 'Кіру', exact: true }));
  // The second factor: a code to the phone the state holds, masked; TEST outbox named.
  await expect(page.getByRole('heading', { level: 2, name: 'Телефонға келген кодты енгізіңіз' })).toBeVisible();
  await expect(page.locator('#code-sent')).toContainText('+7 701 *** ** 67');
  await expect(page.getByRole('link', { name: /сынақ SMS жәшігінен/ })).toHaveAttribute('href', '/test-sms-outbox');
  await expect(page.getByLabel('SMS-тегі код')).toBeFocused();
  await expectAccessible(page, 'login code step');
  await screenshot(page, testInfo, 'login-code');
  const code = await codeFor(page.request, PHONES[CITIZEN.iin], sent);
  await page.getByLabel('SMS-тегі код').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Растау және кіру' }).click();
  await expect(page.getByRole('alert')).toContainText('Код дұрыс емес. Тағы 4 әрекет қалды.');
  await expect(page.getByLabel('SMS-тегі код')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('SMS-тегі код').fill(code);
  await page.getByRole('button', { name: 'Растау және кіру' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Мемлекеттік қызметтер');
  const account = page.getByRole('navigation', { name: 'Тіркелгі' });
  await expect(account).toContainText(CITIZEN.name);
  await screenshot(page, testInfo, 'home-logged-in');
  // The session survives a reload (HttpOnly cookie), and logging out ends it.
  await page.reload();
  await expect(account).toContainText(CITIZEN.name);
  await account.getByRole('button', { name: 'Шығу' }).click();
  await expect(account.getByRole('link', { name: 'Кіру' })).toBeVisible();
  await page.reload();
  await expect(account.getByRole('link', { name: 'Кіру' })).toBeVisible();
});

// In the demo registry without accounts: each project registers its own (one server per run)
// — the person with a code to the registry's phone, the company with its head's EDS.
test('registration proves the person: a code to the state\'s phone, server errors on their fields', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'the desktop project registers the company');
  const person = { id: '740303346801', name: 'Әбенов Талғат Сейітұлы' };
  await page.goto('/register');
  const id = page.getByLabel('ЖСН немесе БСН');
  await id.fill(person.id);
  await expect(page.getByText('Бұл дұрыс ЖСН.')).toBeVisible();
  await page.getByLabel('Электрондық пошта').fill('talgat@example.kz');
  await page.getByLabel('Құпия сөз', { exact: true }).fill('qwerty123');
  const sent = await askForCode(page, page.getByRole('button', { name: 'Код жіберу', exact: true }));
  // The code went to the masked phone; no name is shown before the proof.
  await expect(page.locator('#code-sent')).toContainText('+7 705 *** ** 68');
  await expect(page.getByText(person.name)).toHaveCount(0);
  await expect(page.getByLabel('SMS-тегі код')).toBeFocused();
  await page.getByLabel('SMS-тегі код').fill(await codeFor(page.request, PHONES[person.id], sent));
  await page.getByRole('button', { name: 'Тіркелу', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Бұл құпия сөз тым жиі қолданылады.');
  await expect(page.getByLabel('Құпия сөз', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(id).toHaveValue(person.id);
  await expectAccessible(page, 'register with a server error');
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'register-errors');

  // The code was not spent by the refused password.
  await page.getByLabel('Құпия сөз', { exact: true }).fill('талғат-құпия-2026');
  await page.getByRole('button', { name: 'Тіркелу', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Тіркелгі' })).toContainText(person.name);
});

test('a company registers with its head\'s EDS authentication key', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'the phone project registers the person');
  await page.goto('/register');
  await page.getByLabel('ЖСН немесе БСН').fill('091240004563');
  await expect(page.getByText('Бұл дұрыс БСН.')).toBeVisible();
  await page.getByLabel('Электрондық пошта').fill('info@qurylys.example.kz');
  await page.getByLabel('Құпия сөз', { exact: true }).fill('құрылыс-жоба-2026');
  // A code is not for companies: the server says to use EDS.
  await page.getByRole('button', { name: 'Код жіберу', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('ЭЦҚ-сымен тіркеледі');
  await page.getByLabel(/^ЭЦҚ/).check();
  await page.getByLabel('Кілт файлы (.p12)').setInputFiles(key('091240004563-auth.p12'));
  await page.getByLabel('Кілттің құпия сөзі').fill(PASSWORD);
  await expectAccessible(page, 'register with EDS');
  await page.getByRole('button', { name: 'Тіркелу', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Тіркелгі' })).toContainText('«Құрылыс Жоба» ЖШС');
});

test('the TEST SMS outbox shows a phone\'s codes and says it is a test', async ({ page }) => {
  await page.goto('/test-sms-outbox');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Сынақ SMS жәшігі');
  await expect(page.getByRole('note')).toContainText('СЫНАҚ');
  await page.getByLabel('Телефон нөмірі').fill('12');
  await page.getByRole('button', { name: 'Хабарларды көрсету' }).click();
  await expect(page.getByRole('alert')).toContainText('Қатені түзетіңіз');
  await page.getByLabel('Телефон нөмірі').fill('+7 701 000 00 09');
  await page.getByRole('button', { name: 'Хабарларды көрсету' }).click();
  await expect(page).toHaveURL(/phone=%2B77010000009/);
  await expect(page.getByText('Бұл нөмірге хабар жоқ.')).toBeVisible();
  await expectAccessible(page, 'TEST SMS outbox');
});

// Ending sessions would log out whatever else uses the account: one project, an account no
// other test logs in with.
test('the cabinet tells of the account\'s other sessions and ends them, keeping this one', async ({ page, request }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'ends sessions of a shared demo account');
  const erlan = ['751102323458', 'Erlan-demo-2026'];
  await session(request, ...erlan); // another device
  await session(page.request, ...erlan); // this browser
  await page.goto('/cabinet');
  const notice = page.getByRole('region', { name: 'Басқа сеанстар' });
  await expect(notice).toContainText('Бұл тіркелгінің тағы 1 ашық сеансы бар');
  await expectAccessible(page, 'cabinet with other sessions');
  await screenshot(page, testInfo, 'cabinet-other-sessions');
  // At 320 px (200 % zoom of 640 px) the notice wraps; nothing scrolls sideways.
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 1280, height: 800 });
  await notice.getByRole('button', { name: 'Басқа сеанстарды аяқтау' }).click();
  const ended = notice.getByText('Басқа сеанстар аяқталды. Енді тек осы сеанс ашық.');
  await expect(ended).toBeFocused();
  await expect(notice.getByRole('button')).toHaveCount(0);
  // The other device is logged out; this one is not.
  expect((await request.get('/api/session')).status()).toBe(401);
  expect((await page.request.get('/api/session')).status()).toBe(200);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Басқа сеанстар' })).toHaveCount(0);
});

test('a hostile ?next= after login lands on this site, never another', async ({ page, baseURL }) => {
  for (const next of ['/\t/evil.example', '/\\evil.example', '//evil.example', 'https://evil.example/']) {
    await page.context().clearCookies();
    await page.goto(`/login?next=${encodeURIComponent(next)}`);
    await page.getByLabel('ЖСН немесе БСН').fill(CITIZEN.iin);
    await page.getByLabel('Құпия сөз', { exact: true }).fill(CITIZEN.password);
    const sent = await askForCode(page, page.getByRole('button', { name: 'Кіру', exact: true }));
    await enterCode(page, CITIZEN.iin, sent);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Мемлекеттік қызметтер');
    expect(new URL(page.url()).origin).toBe(new URL(baseURL).origin);
    expect(new URL(page.url()).pathname).toBe('/');
  }
});

for (const lang of ['ru', 'en']) {
  test(`the login page is accessible in ${lang}`, async ({ page }) => {
    await page.goto('/login');
    await switchLanguage(page, lang);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lang === 'ru' ? 'Вход на портал' : 'Log in to the portal');
    await expectAccessible(page, `login (${lang})`);
  });
}
