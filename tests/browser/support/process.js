// The provider's side of a request through the API, as its staff make the regulation's steps:
// the office registers, the head names the executor, the executor prepares the result, the
// head signs it. Each is logged in in turn on one API context (the scene's), so a journey
// under test can then look at the page of whoever it follows.
const { expect } = require('@playwright/test');
const { key, opensslSign } = require('./pki');
const { CSRF, session } = require('./drafts');

/** The staff of two demo providers (demo.toml): a clerk who also examines, and the head. */
const STAFF = {
  guardianship: {
    clerk: { iin: '770214324684', password: 'Officer-demo-2026', name: 'Мұхамедиев Серік Қайратұлы' },
    head: { iin: '741009410712', password: 'Head-demo-2026', name: 'Байжанова Меруерт Асанқызы' },
    executor: { iin: '850814441689', password: 'Officer-demo-2026', name: 'Қалиева Айжан Болатқызы' },
  },
  stateCorporation: {
    operator: { iin: '870321388405', password: 'Operator-demo-2026', name: 'Исабеков Тимур Маратұлы' },
  },
  agriculture: {
    clerk: { iin: '830930490119', password: 'Officer-demo-2026' },
    head: { iin: '710228312110', password: 'Head-demo-2026' },
  },
};

/** The account id of whoever `api` is logged in as. */
async function myId(api) {
  return (await (await api.get('/api/session')).json()).account.id;
}

/** The current step of request `id` done by whoever `api` is logged in as; the request's view. */
async function step(api, id, data) {
  const res = await api.post(`/api/officer/requests/${id}/step`, { headers: CSRF, data });
  expect(res.status(), await res.text()).toBe(200);
  return res.json();
}

/** The office (the clerk) registers request `id`, the head names the clerk its executor: the
 * request is in review. `api` is left logged in as the clerk. */
async function toExamination(api, id, staff) {
  await session(api, staff.clerk.iin, staff.clerk.password);
  const clerk = await myId(api);
  await step(api, id, { step: 0 });
  await session(api, staff.head.iin, staff.head.password);
  await step(api, id, { step: 1, executor: clerk });
  await session(api, staff.clerk.iin, staff.clerk.password);
}

/** The head signs the decision `data` (`{ outcome, reason }`) of request `id` with their
 * demo RSA key (OpenSSL) and sends it. `api` is left logged in as the head. */
async function headSigns(api, id, staff, data) {
  await session(api, staff.head.iin, staff.head.password);
  const formed = await (await api.post(`/api/officer/requests/${id}/decision-document`, { headers: CSRF, data })).json();
  const signature = opensslSign(Buffer.from(formed.document, 'base64'), key(`rsa/${staff.head.iin}-signing.p12`)).toString('base64');
  const res = await api.post(`/api/officer/requests/${id}/decision`, { headers: CSRF, data: { document: formed.document, signature } });
  expect(res.status(), await res.text()).toBe(200);
}

/** Request `id` (a guardianship, 004) decided as `data`: registered, assigned, prepared by the
 * clerk-executor, signed by the head. */
async function decideGuardianship(api, id, data) {
  const staff = STAFF.guardianship;
  await toExamination(api, id, staff);
  await step(api, id, { step: 2, ...data });
  await headSigns(api, id, staff, data);
}

module.exports = { STAFF, myId, step, toExamination, headSigns, decideGuardianship };
