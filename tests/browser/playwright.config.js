// Browser tests: Debian's Chromium driven by Playwright against one real qyzmet-server that
// this config starts (a fresh data directory, the release-built app). `cargo xtask test` sets
// the environment; run alone, the defaults below expect a prior `cargo xtask test` build.
const path = require('node:path');
const fs = require('node:fs');
const { defineConfig, devices } = require('@playwright/test');

const root = path.resolve(__dirname, '..', '..');
const env = (name, fallback) => process.env[name] || fallback;
const port = env('QYZMET_PORT', '18080');
const artifacts = env('QYZMET_ARTIFACTS', path.join(root, 'target', 'browser-artifacts'));
const dataDir = path.join(artifacts, 'server-data');
const server = env('QYZMET_SERVER_BIN', path.join(root, 'target', 'debug', 'qyzmet-server'));

// Against servers already running (`cargo xtask test` runs one journey through the cluster:
// nginx in front of two instances), QYZMET_BASE_URL names them and no server is started.
const external = process.env.QYZMET_BASE_URL;

// Only the main process starts the server; a fresh data directory each run.
if (!process.env.TEST_WORKER_INDEX && !external) {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

module.exports = defineConfig({
  testDir: './specs',
  outputDir: path.join(artifacts, 'results'),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json']],
  use: {
    baseURL: external || `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: env('QYZMET_CHROMIUM', '/usr/bin/chromium'),
      // Without the background-networking flags Chromium floods the closed network.
      args: [
        '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      use: { viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
    },
  ],
  webServer: external ? undefined : {
    command: [
      JSON.stringify(server),
      '--demo',
      '--addr', `127.0.0.1:${port}`,
      '--data-dir', JSON.stringify(dataDir),
      '--dist-dir', JSON.stringify(env('QYZMET_DIST_DIR', path.join(root, 'dist'))),
      '--catalogue-dir', JSON.stringify(env('QYZMET_CATALOGUE_DIR', path.join(root, 'catalogue'))),
    ].join(' '),
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
