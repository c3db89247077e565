// The home page: the portal's name, the catalogue from the API, the language switcher.
const { test, expect, expectAccessible, screenshot, switchLanguage, expectNoHorizontalScroll, LANGS } = require('../support/harness');

const TITLES = { kk: 'Мемлекеттік қызметтер', ru: 'Государственные услуги', en: 'State services' };
const GUARDIANSHIP = {
  kk: /^Жетім балаға/,
  ru: /^Установление опеки/,
  en: /^Guardianship or custody/,
};

test.describe('first visit language', () => {
  test.describe('browser prefers Russian', () => {
    test.use({ locale: 'ru-RU' });
    test('the portal opens in Russian', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLES.ru);
      await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
    });
  });

  test.describe('browser prefers a language the portal does not speak', () => {
    test.use({ locale: 'de-DE' });
    test('the portal opens in Kazakh', async ({ page }) => {
      await page.goto('/');
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLES.kk);
      await expect(page.locator('html')).toHaveAttribute('lang', 'kk');
    });
  });
});

test.describe('home page', () => {
  test.use({ locale: 'kk-KZ' });

  test('shows the portal name and the real catalogue', async ({ page }, testInfo) => {
    await page.goto('/');
    await expect(page.getByRole('link', { name: /Qyzmet/ })).toBeVisible();
    const cards = page.getByRole('article');
    await expect(cards).toHaveCount(10);
    await expect(cards.filter({ hasText: GUARDIANSHIP.kk })).toHaveCount(1);
    await expect(page).toHaveTitle(`${TITLES.kk} – Qyzmet`);
    await screenshot(page, testInfo, 'home-kk');
  });

  test('switching to Russian shows Russian text and the choice persists', async ({ page }, testInfo) => {
    await page.goto('/');
    await expect(page.getByRole('article')).toHaveCount(10);
    await switchLanguage(page, 'ru');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLES.ru);
    await expect(page.getByRole('article').filter({ hasText: GUARDIANSHIP.ru })).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Русский' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.getByText('30 календарных дней').first()).toBeVisible();
    await screenshot(page, testInfo, 'home-ru');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLES.ru);
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  });

  for (const lang of LANGS) {
    test(`has no accessibility violations in ${lang}`, async ({ page }) => {
      await page.goto('/');
      if (lang !== 'kk') await switchLanguage(page, lang);
      await expect(page.getByRole('article').filter({ hasText: GUARDIANSHIP[lang] })).toHaveCount(1);
      await expectAccessible(page, `home (${lang})`);
      await expectNoHorizontalScroll(page);
    });
  }

  test('a keyboard user reaches the skip link first and it moves to the main content', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('article')).toHaveCount(10);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Негізгі мазмұнға өту' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main')).toBeFocused();
  });

  test('an unknown address shows the not-found page, accessibly', async ({ page }) => {
    await page.goto('/no/such/page');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Бет табылмады');
    await page.getByRole('link', { name: 'Басты бетке оралу' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(TITLES.kk);
    await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    await expectAccessible(page, 'home after navigation');
  });
});
