// Journeys in Russian: a company pays the fee on the test gateway, signs, and is refused after
// the interested body answered; an expert is given a testing date by the officer's console;
// the session-timeout warning; the offline banner while a draft is being filled.
const { test, expect, expectAccessible, screenshot, expectNoHorizontalScroll } = require('../support/harness');
const { key } = require('../support/pki');
const { CSRF, CITIZEN, session, filledDraft, guardianshipDraft, submitSigned } = require('../support/drafts');
const { STAFF, step, toExamination, headSigns } = require('../support/process');

const COMPANY = { bin: '150440001236', password: 'Astyq-demo-2026' };
const GRAIN_OFFICER = { iin: '830930490119', password: 'Officer-demo-2026' };
const ALMATY_OFFICER = { iin: '861208467891', password: 'Officer-demo-2026' };

test.use({ locale: 'ru-RU' });
const h1 = (page) => page.getByRole('heading', { level: 1 });

async function officerMove(api, id, from, to, extra = {}) {
  const res = await api.post(`/api/officer/requests/${id}/moves`, { headers: CSRF, data: { from, to, ...extra } });
  expect(res.status()).toBe(200);
}

test('a company pays on the test gateway, signs, and reads the refusal given after the interested body', async ({ page, request }, testInfo) => {
  test.setTimeout(90_000);
  await session(page.request, COMPANY.bin, COMPANY.password);
  const id = await filledDraft(page.request, 'grain-warehouse-licence', 'issue', {
    warehouse_address: 'Тараз, ул. Сүлейменова 5', capacity_tonnes: '12000', has_laboratory: 'yes',
    phone: '+7 726 243 11 22', email: 'astyq@example.kz',
  }, ['warehouse_ownership', 'technical_passport', 'laboratory_accreditation']);

  // Signing is not offered before the fee is paid.
  await page.goto(`/applications/${id}/edit?step=payment`);
  await expect(h1(page)).toHaveText('Оплата');
  await expect(page.locator('main')).toContainText('Не оплачено');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await expect(page.locator('.error-summary')).toContainText('оплатите её до подписания');
  await page.getByRole('button', { name: 'Оплатить сбор' }).click();
  await expect(h1(page)).toHaveText('Тестовый платёжный шлюз');
  await expect(page.locator('main')).toContainText('ТЕСТОВЫЙ платёжный шлюз');
  await expectAccessible(page, 'test payment gateway');
  await screenshot(page, testInfo, 'gateway');
  await page.getByRole('button', { name: 'Оплатить (тест)' }).click();
  await expect(h1(page)).toHaveText('Оплата');
  await expect(page.locator('main')).toContainText('Оплачено');
  await page.getByRole('button', { name: 'Продолжить' }).click();
  await expect(h1(page)).toHaveText('Проверьте ответы');
  await expectAccessible(page, 'check answers in Russian');
  await page.getByRole('button', { name: 'Перейти к подписанию' }).click();
  await page.getByLabel('Файл ключа (.p12)').setInputFiles(key('150440001236-signing.p12'));
  await page.getByLabel('Пароль ключа').fill('Qwerty12');
  await page.getByRole('button', { name: 'Проверить ключ' }).click();
  await page.getByRole('button', { name: 'Подписать и отправить' }).click();
  await expect(page.locator('#submitted')).toContainText(/\d{4}-\d{6}/);

  // 003 §5, as the department works it: the office registers, the head names the executor,
  // who sends the draft to the interested body (step 3), records its answer (step 4) and
  // prepares the refusal (step 5); the head signs it (step 6).
  const staff = STAFF.agriculture;
  await toExamination(request, id, staff);
  await officerMove(request, id, 'in_review', 'awaiting_interested_body', { note: 'Запрос в санитарно-эпидемиологическую службу' });
  await step(request, id, { step: 2 });
  await officerMove(request, id, 'awaiting_interested_body', 'in_review', { note: 'Получено отрицательное заключение' });
  await step(request, id, { step: 3 });
  const reason = 'Отрицательное заключение заинтересованного органа о зерновом складе.';
  await step(request, id, { step: 4, outcome: 'refused', reason });
  await headSigns(request, id, staff, { outcome: 'refused', reason });
  // The officer's page says whether the fee was paid, and how much.
  expect((await (await request.get(`/api/officer/requests/${id}`)).json()).payment.status).toBe('paid');
  const officerContext = await page.context().browser().newContext({ locale: 'ru-RU', baseURL: testInfo.project.use.baseURL });
  const officerPage = await officerContext.newPage();
  await session(officerPage.request, GRAIN_OFFICER.iin, GRAIN_OFFICER.password);
  await officerPage.goto(`/officer/requests/${id}`);
  await expect(officerPage.locator('#officer-fee')).toContainText(/₸ — Оплачено \(\d/);
  await expectAccessible(officerPage, 'officer request with a paid fee');
  // On a 320 px screen the fee line wraps; nothing scrolls sideways.
  await officerPage.setViewportSize({ width: 320, height: 640 });
  await expect(officerPage.locator('#officer-fee')).toBeVisible();
  await expectNoHorizontalScroll(officerPage);
  await officerContext.close();

  await page.goto(`/applications/${id}`);
  const decision = page.getByRole('region', { name: 'Решение: отказ' });
  await expect(decision).toContainText(reason);
  await decision.getByRole('button', { name: 'Проверить подпись в этом браузере' }).click();
  await expect(decision.getByRole('status')).toContainText('Подпись действительна');
  await expect(page.getByRole('region', { name: 'История заявки' })).toContainText('Ожидает согласования заинтересованного органа');
  const [letter] = await Promise.all([
    page.waitForEvent('download'),
    decision.getByRole('link', { name: 'Скачать письмо об отказе (PDF)' }).click(),
  ]);
  expect(letter.suggestedFilename()).toMatch(/^refusal-\d{4}-\d{6}\.pdf$/);
  await expectAccessible(page, 'refused company request');
  await screenshot(page, testInfo, 'company-refused');
});

test('the officer schedules testing in the console and the expert sees the date and place', async ({ page, request }, testInfo) => {
  await session(request, CITIZEN.iin, CITIZEN.password);
  const id = await filledDraft(request, 'expert-attestation-almaty', 'main', {
    field: 'expert_work', speciality: 'Промышленное и гражданское строительство', experience_years: '12',
    attested_before: 'no', phone: '+7 701 123 45 67', email: 'aigul@example.kz',
  }, ['diploma', 'work_record']);
  const number = (await submitSigned(request, id, CITIZEN.iin)).registration_number;

  // The officer, in the browser.
  await session(page.request, ALMATY_OFFICER.iin, ALMATY_OFFICER.password);
  await page.goto('/officer');
  // The queue narrows as the officer types, and by overdue.
  await page.getByLabel('Номер, заявитель или ИИН/БИН').fill(number);
  await expect(page.locator('table.queue tbody tr')).toHaveCount(1);
  await page.getByLabel('Только просроченные').check();
  await expect(page.locator('table.queue tbody tr')).toHaveCount(0);
  await page.getByLabel('Только просроченные').uncheck();
  await expectAccessible(page, 'filtered officer queue');
  await page.getByRole('row').filter({ hasText: number }).getByRole('link', { name: number }).click();
  await expect(h1(page)).toHaveText(`Заявка ${number}`);
  // The answers carry the form's labels, not its field ids.
  await expect(page.getByRole('region', { name: 'Ответы заявителя' })).toContainText('Стаж работы по специальности, лет');
  // Each file opens in the browser's viewer (inline), or downloads.
  const diploma = page.getByRole('link', { name: 'diploma.pdf (откроется в новой вкладке)' });
  await expect(diploma).toHaveAttribute('href', new RegExp(`/api/applications/${id}/attachments/diploma\\?inline=true$`));
  const opened = await page.request.get(await diploma.getAttribute('href'));
  expect(opened.headers()['content-disposition']).toMatch(/^inline;/);
  // 001 §7: the office registers it and the department's worker examines it (no head names
  // one): registered, the request is in review and its testing can be scheduled.
  const process = page.getByRole('region', { name: 'Процедура услугодателя' });
  await process.getByRole('button', { name: 'Зарегистрировано, передать руководителю' }).click();
  await expect(page.locator('#officer-announcement')).toContainText('Статус заявки изменился: На рассмотрении.');
  await expect(page.locator('#officer-announcement')).toContainText('Шаг 2: Ответственный исполнитель — проверяет документы и готовит результат');
  await page.getByRole('button', { name: 'Назначить тестирование' }).click();
  await expect(page.getByRole('alert')).toContainText('Место');
  await expect(page.getByLabel('Место')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'scheduling testing with errors');
  await page.getByLabel('Дата и время (время Казахстана)').fill('2099-03-12T10:30');
  await page.getByLabel('Место').fill('Алматы, пр. Абая 10, каб. 305');
  await page.getByRole('button', { name: 'Назначить тестирование' }).click();
  await expect(page.locator('#officer-announcement')).toContainText('Назначено тестирование');
  await screenshot(page, testInfo, 'officer-testing-scheduled');

  // The expert's own page shows when and where.
  const expert = await page.context().browser().newContext({ locale: 'ru-RU', baseURL: testInfo.project.use.baseURL });
  const mine = await expert.newPage();
  await session(mine.request, CITIZEN.iin, CITIZEN.password);
  await mine.goto(`/applications/${id}`);
  await expect(mine.getByRole('region', { name: 'Ваше тестирование' })).toContainText('12.03.2099 10:30, Алматы, пр. Абая 10, каб. 305');
  await expectAccessible(mine, 'request with a testing appointment');
  await mine.goto('/cabinet');
  await expect(mine.getByRole('region', { name: 'Уведомления' })).toContainText('12.03.2099 10:30, Алматы, пр. Абая 10, каб. 305');
  await expert.close();
});

test('two minutes before the session ends a warning offers to stay; after it, a way back', async ({ page }) => {
  await page.clock.install();
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  await page.goto('/cabinet');
  await expect(h1(page)).toHaveText('Личный кабинет');
  // Every answer renews the session (on the server and in the warning's count): let the
  // page's requests land before time jumps, or a late one restarts the count.
  await expect(page.getByRole('button', { name: 'Выйти' })).toBeVisible();
  await expect(page.locator('#unread-count')).toBeVisible();
  await expect(page.locator('.application-list')).toBeAttached();
  await page.waitForLoadState('networkidle');
  await page.clock.fastForward('28:30');
  const warning = page.getByRole('alertdialog', { name: 'Скоро вы выйдете из системы' });
  await expect(warning).toContainText('через 2 минуты');
  await expect(warning.getByRole('button', { name: 'Остаться в системе' })).toBeFocused();
  await expectAccessible(page, 'session warning');
  await warning.getByRole('button', { name: 'Остаться в системе' }).click();
  await expect(warning).toHaveCount(0);
  // Untouched for the whole idle time: the page says so and links back to where the user was.
  await page.clock.fastForward('30:05');
  const notice = page.getByRole('alert').filter({ hasText: 'Вы вышли из системы' });
  await expect(notice).toBeVisible();
  await expect(notice.getByRole('link', { name: 'Войти снова и вернуться сюда' })).toHaveAttribute('href', '/login?next=%2Fcabinet');
});

test.describe('offline', () => {
  // The page's background fetch of the next area may be cut off when the network goes.
  test.use({ expectedConsoleErrors: /Failed to fetch/ });

  test('the banner shows, typing is kept, and the draft saves when the network returns', async ({ page, context }) => {
    await session(page.request, CITIZEN.iin, CITIZEN.password);
    const res = await page.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
    const draft = await res.json();
    await page.goto(`/applications/${draft.id}/edit?step=contacts`);
    await expect(h1(page)).toHaveText('Контактные данные');
    await context.setOffline(true);
    await expect(page.getByRole('status').filter({ hasText: 'Нет подключения к сети' })).toBeVisible();
    await page.getByLabel('Электронная почта').fill('offline@example.kz');
    await expect(page.locator('.save-status')).toHaveText(/Не сохранено: сервер недоступен/);
    await expectAccessible(page, 'offline draft');
    await expectNoHorizontalScroll(page);
    await context.setOffline(false);
    await expect(page.locator('.save-status')).toHaveText(/Сохранено в/);
    await expect(page.getByRole('status').filter({ hasText: 'Нет подключения к сети' })).toHaveCount(0);
    const saved = await (await page.request.get(`/api/applications/${draft.id}`)).json();
    expect(saved.answers.email).toBe('offline@example.kz');
  });
});

test('the applicant withdraws a registered request before the decision', async ({ page }) => {
  await session(page.request, CITIZEN.iin, CITIZEN.password);
  const id = await guardianshipDraft(page.request);
  await submitSigned(page.request, id, CITIZEN.iin);
  await page.goto(`/applications/${id}`);
  const section = page.getByRole('region', { name: 'Отозвать заявку' });
  await section.getByRole('button', { name: 'Отозвать заявку' }).click();
  await expect(section.getByRole('alert')).toContainText('это нельзя отменить');
  await expectAccessible(page, 'withdraw confirmation');
  // Every time the live region's text is set is counted (one observer call per setting):
  // the withdrawal is announced once, though the page's own refetch and the server's live
  // event both bring it.
  await page.evaluate(() => {
    window.liveChanges = [];
    const live = document.querySelector('.live-announcement');
    new MutationObserver(() => window.liveChanges.push(live.textContent)).observe(live, { childList: true, characterData: true, subtree: true });
  });
  await section.getByRole('button', { name: 'Да, отозвать' }).click();
  await expect(page.locator('dd.status')).toHaveText(/Отозвано|Отозвана/);
  await expect(page.getByRole('region', { name: 'Отозвать заявку' })).toHaveCount(0);
  // The pressed button is gone: focus is on the page's heading, and the change is said.
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(page.locator('.live-announcement')).toHaveText('Статус заявки изменился: Отозвано.');
  // The server's live event has come too by now (the status list was redrawn for it or not):
  // nothing more was announced.
  await page.waitForTimeout(1500);
  const changes = await page.evaluate(() => window.liveChanges.filter((t) => t.trim() !== ''));
  expect(changes, 'announcements').toEqual(['Статус заявки изменился: Отозвано.']);
});
