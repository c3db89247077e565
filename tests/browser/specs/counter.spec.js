// A person who comes with paper to a public service centre, in Russian: the State
// Corporation's operator finds them by IIN, records their consent and starts the
// guardianship application for them; refuses acceptance of an incomplete set and prints the
// refusal receipt; accepts the complete set signed with the operator's own key; after the
// provider's steps the result waits at the centre and is handed to a representative; the
// person follows it in their own cabinet. axe and a 320 px screen on the desk's pages.
const { pdfText } = require('../support/pdf');
const { test, expect, expectAccessible, expectNoHorizontalScroll } = require('../support/harness');
const { key, PASSWORD } = require('../support/pki');
const { CSRF, PDF, GUARDIANSHIP, session } = require('../support/drafts');
const { STAFF, myId, step, headSigns } = require('../support/process');

test.use({ locale: 'ru-RU' });
const h1 = (page) => page.getByRole('heading', { level: 1 });
const PERSON = { iin: '751102323458', password: 'Erlan-demo-2026', name: 'Жұмабеков Ерлан Асқарұлы' };


async function upload(api, id, doc) {
  const res = await api.post(`/api/applications/${id}/attachments/${doc}`, {
    headers: CSRF, multipart: { file: { name: `${doc}.pdf`, mimeType: 'application/pdf', buffer: PDF } },
  });
  expect(res.status()).toBe(201);
}

test('the State Corporation operator serves a person who came with paper, from the consent to the hand-over', async ({ page, request, browser }, testInfo) => {
  test.setTimeout(120_000);
  const operator = STAFF.stateCorporation.operator;
  await session(page.request, operator.iin, operator.password);
  await page.goto('/officer');
  await page.getByRole('navigation', { name: 'Учётная запись' }).getByRole('link', { name: 'Приём документов' }).click();
  await expect(h1(page)).toHaveText('Приём заявлений на бумаге');

  // Nothing typed: every field's problem, tied to it.
  const start = page.getByRole('region', { name: 'Новое заявление' });
  await start.getByRole('button', { name: 'Начать заявление' }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(start.getByLabel('ИИН или БИН заявителя')).toHaveAttribute('aria-invalid', 'true');
  await expect(start.getByLabel(/письменное согласие/)).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, 'counter with errors');

  await start.getByLabel('ИИН или БИН заявителя').fill(PERSON.iin);
  await start.getByLabel(/письменное согласие/).check();
  await start.getByLabel('Государственная услуга').selectOption('guardianship');
  await start.getByRole('button', { name: 'Начать заявление' }).click();
  await expect(page).toHaveURL(/\/applications\/[0-9a-f]+\/edit/);
  const id = page.url().match(/applications\/([0-9a-f]+)\/edit/)[1];
  // The editor is the portal's, its applicant the person the operator enters it for.
  await page.getByRole('link', { name: /Сведения о заявителе/ }).click();
  await expect(page.locator('main')).toContainText(PERSON.name);
  await expect(page.locator('main')).toContainText(PERSON.iin);

  // The operator types the form and scans two of the three documents.
  let res = await page.request.patch(`/api/applications/${id}`, { headers: CSRF, data: { version: 1, answers: GUARDIANSHIP.answers } });
  expect(res.status()).toBe(200);
  await upload(page.request, id, 'health_certificate');
  await upload(page.request, id, 'parental_care_loss');

  // An incomplete set: acceptance refused, the receipt says what is missing.
  await page.goto('/counter');
  const progress = page.getByRole('region', { name: 'Заявления, которые заполняются здесь' });
  await progress.getByRole('button', { name: `Отказать в приёме (документы неполные) ${PERSON.name}` }).click();
  await expect(progress.getByRole('status')).toContainText(`${PERSON.name}: в приёме отказано.`);
  const [refusal] = await Promise.all([
    page.waitForEvent('download'),
    progress.getByRole('link', { name: 'Скачать расписку об отказе (PDF)' }).click(),
  ]);
  const refusalText = pdfText(require('fs').readFileSync(await refusal.path()));
  expect(refusalText).toContain('Расписка об отказе в приёме документов');
  expect(refusalText).toContain('Не представлены документы (1)');
  await expectAccessible(page, 'counter after a refusal');
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoHorizontalScroll(page);
  await page.setViewportSize({ width: 1280, height: 800 });

  // The person comes back with the rest: accepted, signed with the operator's own key.
  await upload(page.request, id, 'birth_certificates');
  await page.goto(`/applications/${id}/sign`);
  await page.getByLabel('Файл ключа (.p12)').setInputFiles(key(`${operator.iin}-signing.p12`));
  await page.getByLabel('Пароль ключа').fill(PASSWORD);
  await page.getByRole('button', { name: 'Проверить ключ' }).click();
  await page.getByRole('button', { name: 'Подписать и отправить' }).click();
  await expect(page.locator('#submitted')).toContainText(/\d{4}-\d{6}/);

  // The accumulation department sends it on; the provider's office, head, executor, head
  // and office do their steps (through the API, each in their own session).
  await step(page.request, id, { step: 1 });
  const staff = STAFF.guardianship;
  await session(request, staff.clerk.iin, staff.clerk.password);
  const clerk = await myId(request);
  await step(request, id, { step: 2 });
  await session(request, staff.head.iin, staff.head.password);
  await step(request, id, { step: 3, executor: clerk });
  await session(request, staff.clerk.iin, staff.clerk.password);
  await step(request, id, { step: 4, outcome: 'satisfied' });
  await headSigns(request, id, staff, { outcome: 'satisfied' });
  await session(request, staff.clerk.iin, staff.clerk.password);
  await step(request, id, { step: 6 });

  // The result is back at the centre: the operator gives it to the person's representative.
  await page.goto(`/officer/requests/${id}`);
  const process = page.getByRole('region', { name: 'Процедура услугодателя' });
  await expect(process.locator('#process-current')).toContainText('Шаг 8: Государственная корпорация — выдаёт результат');
  await process.getByLabel(/Представитель и доверенность/).fill('Жұмабекова Әйгерім, доверенность № 45, 01.12.2026');
  await expectAccessible(page, 'operator handing a result over');
  await process.getByRole('button', { name: 'Результат выдан' }).click();
  await expect(process.locator('#process-current')).toHaveText('Все шаги выполнены');
  await expect(process.locator('.process-log')).toContainText('Жұмабекова Әйгерім, доверенность № 45');

  // The person follows it in their cabinet, and sees who looked.
  const own = await browser.newContext({ locale: 'ru-RU', baseURL: testInfo.project.use.baseURL });
  const tab = await own.newPage();
  await session(tab.request, PERSON.iin, PERSON.password);
  await tab.goto(`/applications/${id}`);
  await expect(tab.locator('dd.status')).toHaveText(/Удовлетворено/);
  await expect(tab.getByRole('region', { name: 'Кто смотрел моё заявление' })).toContainText(operator.name);
  await expectAccessible(tab, 'in-person request in the cabinet');
  await own.close();
});
