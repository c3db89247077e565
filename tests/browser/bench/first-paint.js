// `cargo xtask bench`'s look at the main thread and at a return visit, in Chromium (not a
// test: it prints figures). Usage: node first-paint.js <base-url> <path>…
// For each path, as a new visitor on a phone-speed CPU (4× slowdown, as Lighthouse's mobile
// profile), three times: the long tasks (> 50 ms) on the main thread and the app's User Timing marks; then
// the bytes a return visit to the same page transfers (same browser, its cache kept). Each
// first visit also reports the bytes transferred 3 s after the page loaded (compressed, all).
// A path written `applicant:/cabinet` is visited logged in as the demo citizen (password and
// the code from the TEST SMS outbox, through the API); `{draft}` in it is a guardianship
// draft made for the visit.
const { chromium } = require('playwright');
const { session, CITIZEN, CSRF } = require('../support/drafts');

async function visit(context, url, throttle) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  if (throttle) await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url);
  // What a phone on a metered plan has paid for 3 s after the page loaded.
  await page.waitForTimeout(3000);
  const bytesAfter3s = bytes;
  // Then the visitor uses the page (a page that reads without the app brings it only now).
  await page.evaluate(() => {
    const copy = document.getElementById('first-paint');
    const control = copy && copy.dataset.start === 'on-use' && copy.querySelector('input, select, textarea, button');
    if (control) control.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await page.waitForFunction(() => !document.getElementById('first-paint'), null, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  const seen = await page.evaluate(() => ({
    long: window.__long, // [start, duration] in ms
    marks: Object.fromEntries(performance.getEntriesByType('mark')
      .filter((m) => m.name.startsWith('qyzmet:')).map((m) => [m.name, Math.round(m.startTime)])),
    fcp: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime || 0),
  }));
  await page.close();
  return { ...seen, bytes, bytesAfter3s };
}

(async () => {
  const [base, ...paths] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.QYZMET_CHROMIUM || '/usr/bin/chromium',
  });
  const results = [];
  // Three new visitors per page: on a shared 2-core machine one visit's long tasks say more
  // about its neighbours than about the page.
  for (const path of paths) {
    const firsts = [];
    let returnBytes = 0;
    for (let visitor = 0; visitor < 3; visitor++) {
      const context = await browser.newContext({ locale: 'kk', baseURL: base });
      const [who, address] = path.includes(':') ? path.split(':') : ['visitor', path];
      if (who === 'applicant') await session(context.request, CITIZEN.iin, CITIZEN.password);
      let at = address;
      if (at.includes('{draft}')) {
        const made = await context.request.post('/api/applications', { headers: CSRF, data: { service_id: 'guardianship' } });
        at = at.replace('{draft}', (await made.json()).id);
      }
      firsts.push(await visit(context, base + at, true));
      if (visitor === 0) returnBytes = (await visit(context, base + at, false)).bytes;
      await context.close();
    }
    results.push({ path, first: firsts, returnBytes });
  }
  await browser.close();
  console.log(JSON.stringify(results));
})();
