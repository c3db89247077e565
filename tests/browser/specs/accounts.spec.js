// Logging in and registering: the error summary, fields tied to their errors, the domain's
// IIN/BIN rules in the browser, the server's answers, and the header after login.
const { test, expect, expectAccessible, screenshot, switchLanguage, expectNoHorizontalScroll } = require('../support/harness');

const CITIZEN = { iin: '880315412341', password: 'Aigul-demo-2026', name: 'Нұрланова Айгүл Серікқызы' };

test.use({ locale: 'kk-KZ' });

test('an empty login form shows the error summary, focused, with links to each field', async ({ page }, testInfo) => {
  await page.goto('/login');
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  const summary = page.getByRole('alert');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading')).toHaveText('Қатені түзетіңіз');
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
  await page.getByLabel('Құпия сөз').fill('some password');
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('ЖСН-нің 7-цифры 1-ден 6-ға дейін болуы керек.');
  await expect(page.getByLabel('ЖСН немесе БСН')).toHaveValue('801201700123');
  await expect(page.getByLabel('Құпия сөз')).toHaveValue('some password');
});

test('a wrong password gets the server\'s message; the right one logs in and shows the name', async ({ page }, testInfo) => {
  await page.goto('/login');
  await page.getByLabel('ЖСН немесе БСН').fill(CITIZEN.iin);
  await page.getByLabel('Құпия сөз').fill('not-the-password');
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('ЖСН/БСН немесе құпия сөз дұрыс емес.');

  await page.getByLabel('Құпия сөз').fill(CITIZEN.password);
  await page.getByRole('button', { name: 'Кіру', exact: true }).click();
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

// In the demo registry without accounts: each project registers its own (one server per run).
const NEWCOMERS = {
  desktop: { id: '091240004563', note: 'Бұл дұрыс БСН.', name: '«Құрылыс Жоба» ЖШС' },
  phone: { id: '740303346801', note: 'Бұл дұрыс ЖСН.', name: 'Әбенов Талғат Сейітұлы' },
};

test('registration: a live note on the number, server errors on their fields, then logged in', async ({ page }, testInfo) => {
  const newcomer = NEWCOMERS[testInfo.project.name];
  await page.goto('/register');
  const id = page.getByLabel('ЖСН немесе БСН');
  await id.fill(newcomer.id);
  await expect(page.getByText(newcomer.note)).toBeVisible();
  await page.getByLabel('Ұялы телефон').fill('8 701 555 44 33');
  await page.getByLabel('Электрондық пошта').fill('info@qurylys.example.kz');
  await page.getByLabel('Құпия сөз').fill('qwerty123');
  await page.getByRole('button', { name: 'Тіркелу', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('Бұл құпия сөз тым жиі қолданылады.');
  await expect(page.getByLabel('Құпия сөз')).toHaveAttribute('aria-invalid', 'true');
  await expect(id).toHaveValue(newcomer.id);
  await expectAccessible(page, 'register with a server error');
  await expectNoHorizontalScroll(page);
  await screenshot(page, testInfo, 'register-errors');

  await page.getByLabel('Құпия сөз').fill('құрылыс-жоба-2026');
  await page.getByRole('button', { name: 'Тіркелу', exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Тіркелгі' })).toContainText(newcomer.name);
});

for (const lang of ['ru', 'en']) {
  test(`the login page is accessible in ${lang}`, async ({ page }) => {
    await page.goto('/login');
    await switchLanguage(page, lang);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lang === 'ru' ? 'Вход на портал' : 'Log in to the portal');
    await expectAccessible(page, `login (${lang})`);
  });
}
