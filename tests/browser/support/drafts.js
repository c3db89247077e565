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

async function session(api, login, password) {
  const res = await api.post('/api/session', { headers: CSRF, data: { login, password } });
  expect(res.status()).toBe(200);
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
  const signature = opensslSign(Buffer.from(formed.document, 'base64'), key(`${signer}-signing.p12`)).toString('base64');
  const res = await api.post(`/api/applications/${id}/submit`, {
    headers: { ...CSRF, 'Idempotency-Key': `browser-${id}` }, data: { document: formed.document, signature },
  });
  expect(res.status()).toBe(201);
  return res.json();
}

module.exports = { CSRF, PDF, CITIZEN, GUARDIANSHIP, session, filledDraft, guardianshipDraft, submitSigned };
