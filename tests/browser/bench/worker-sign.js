// Benchmark (not a test): how long the browser's signer worker (wasm) takes to open a demo
// .p12 and sign a 10 KB document, GOST-512 and RSA-2048, in Chromium — what an applicant
// waits for after "Sign and submit". Run by `cargo xtask bench` against a running server:
//   QYZMET_BASE=http://127.0.0.1:PORT QYZMET_KEYS=<data>/pki/keys node bench/worker-sign.js
// Prints one Markdown row per key kind.
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('@playwright/test');

const ROUNDS = 15;

(async () => {
  const base = process.env.QYZMET_BASE;
  const keys = process.env.QYZMET_KEYS;
  const browser = await chromium.launch({ executablePath: process.env.QYZMET_CHROMIUM || '/usr/bin/chromium' });
  const page = await browser.newPage();
  // The worker must come from the portal's origin (its CSP and paths).
  await page.goto(`${base}/`);
  for (const [label, file] of [['GOST R 34.10-2015 512 (NCA RK profile)', '880315412341-signing.p12'], ['RSA-2048', 'rsa/880315412341-signing.p12']]) {
    const bytes = [...fs.readFileSync(path.join(keys, file))];
    const times = await page.evaluate(async ({ bytes, rounds }) => {
      const worker = new Worker('/qyzmet-signer_loader.js');
      await new Promise((resolve) => { worker.onmessage = resolve; });
      const document = [...new TextEncoder().encode('x'.repeat(10 * 1024))];
      const out = [];
      for (let i = 0; i < rounds; i += 1) {
        const started = performance.now();
        // The worker speaks JSON text (qyzmet_domain::signer_protocol), as the app does.
        const answer = await new Promise((resolve) => {
          worker.onmessage = (e) => resolve(JSON.parse(e.data));
          worker.postMessage(JSON.stringify({
            op: 'sign', file: bytes, password: 'Qwerty12', document,
            purpose: 'signing', now: Math.floor(Date.now() / 1000),
          }));
        });
        if (answer.answer !== 'signed') throw new Error(JSON.stringify(answer));
        out.push(performance.now() - started);
      }
      worker.terminate();
      return out;
    }, { bytes, rounds: ROUNDS });
    times.sort((a, b) => a - b);
    const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
    console.log(`| ${label} | ${p(0.5)} ms | ${p(0.9)} ms | ${times.length} |`);
  }
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
