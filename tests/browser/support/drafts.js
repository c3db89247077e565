// Setting the scene through the API the app itself uses: a session, a filled draft, a request
// submitted with an OpenSSL signature. The journeys under test then run in the page.
const { expect } = require('@playwright/test');
const { key, opensslSign } = require('./pki');

const CSRF = { 'x-qyzmet-csrf': '1' };
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const CITIZEN = { iin: '880315412341', password: 'Aigul-demo-2026', name: 'Нұрланова Айгүл Серікқызы' };

/** A complete guardianship application's answers and its required documents. */
const GUARDIANSHIP = {
  answers: {
    marital_status: 'single', address: 'Тараз қ., Төле би к. 12', care_kind: 'guardianship',
    children: [{ last_name: 'Ахметов', first_name: 'Нұрлан', birth_date: '2016-05-04', iin: '160504512345', kinship: 'relative' }],
    reason: 'Баланың ата-анасы қайтыс болды.', phone: '+7 701 123 45 67', email: 'aigul@example.kz',
  },
  documents: ['health_certificate', 'parental_care_loss', 'birth_certificates'],
};

/** The phones the demo registry holds (where the TEST SMS gateway "sends" one-time codes). */
const PHONES = {
  '880315412341': '+77011234567', '751102323458': '+77027654321', '150440001236': '+77262345678',
  '820110445679': '+77252000001', '790517356782': '+77252000002', '861208467891': '+77272611616',
  '900424379008': '+77262000004', '830930490119': '+77262000005', '770214324684': '+77262000006',
  '810719435790': '+77172000007', '740303346801': '+77051234568',
  '720411378625': '+77252000011', '680923445410': '+77252000012', '801205346855': '+77272000013',
  '760617432175': '+77262000014', '710228312110': '+77262000015', '741009410712': '+77262000016',
  '850814441689': '+77262000017', '870321388405': '+77172000018',
};

/**
 * The code in the TEST SMS outbox's message for `phone` that answers verification `id`: the
 * two browser projects log the same demo people in at once, so "the newest message" may be
 * another test's code.
 */
async function codeFor(api, phone, id) {
  const res = await api.get(`/api/test-sms-outbox/${encodeURIComponent(phone)}`);
  expect(res.status()).toBe(200);
  const message = (await res.json()).find((m) => m.reference === id);
  expect(message, `a message for verification ${id}`).toBeTruthy();
  return message.body.match(/\b(\d{6})\b/)[1];
}

/** Logs in as a person would: the password, then the code sent to the registry's phone. */
async function session(api, login, password) {
  let res = await api.post('/api/session', { headers: CSRF, data: { login, password } });
  expect(res.status()).toBe(202);
  const sent = await res.json();
  const code = await codeFor(api, PHONES[login], sent.verification_id);
  res = await api.post('/api/session/code', { headers: CSRF, data: { verification_id: sent.verification_id, code } });
  expect(res.status()).toBe(200);
}

/** Clicks `button`, which asks the server for a code, and gives the verification id it answered. */
async function askForCode(page, button) {
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.status() === 202
      && /^\/api\/(session|accounts\/verification)$/.test(new URL(r.url()).pathname)),
    button.click(),
  ]);
  return (await res.json()).verification_id;
}

/** In the page, after `askForCode`: types the code the TEST outbox got for it and confirms. */
async function enterCode(page, login, id) {
  const field = page.locator('#code');
  await expect(field).toBeVisible();
  await expect(field).toBeFocused();
  await field.fill(await codeFor(page.request, PHONES[login], id));
  await field.press('Enter');
}

/** A draft of `service` (and `variant`) with `answers` saved and a PDF in each of `documents`. */
async function filledDraft(api, service, variant, answers, documents) {
  let res = await api.post('/api/applications', { headers: CSRF, data: { service_id: service, variant_id: variant } });
  expect(res.status()).toBe(201);
  const draft = await res.json();
  res = await api.patch(`/api/applications/${draft.id}`, { headers: CSRF, data: { version: draft.version, answers } });
  expect(res.status()).toBe(200);
  for (const doc of documents) {
    res = await api.post(`/api/applications/${draft.id}/attachments/${doc}`, {
      headers: CSRF, multipart: { file: { name: `${doc}.pdf`, mimeType: 'application/pdf', buffer: PDF } },
    });
    expect(res.status()).toBe(201);
  }
  return draft.id;
}

/** The demo citizen's complete guardianship draft (the session must be theirs). */
const guardianshipDraft = (api) => filledDraft(api, 'guardianship', undefined, GUARDIANSHIP.answers, GUARDIANSHIP.documents);

/** Signs draft `id` with `signer`'s demo key (OpenSSL) and submits it; the registered view. */
async function submitSigned(api, id, signer) {
  const formed = await (await api.get(`/api/applications/${id}/outgoing-document`)).json();
  const signature = opensslSign(Buffer.from(formed.document, 'base64'), key(`rsa/${signer}-signing.p12`)).toString('base64');
  const res = await api.post(`/api/applications/${id}/submit`, {
    headers: { ...CSRF, 'Idempotency-Key': `browser-${id}` }, data: { document: formed.document, signature },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

module.exports = { CSRF, PDF, CITIZEN, GUARDIANSHIP, PHONES, codeFor, askForCode, enterCode, session, filledDraft, guardianshipDraft, submitSigned };
