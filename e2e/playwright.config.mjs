// Browser tests for Liaise: Playwright drives Debian's Chromium (nothing here
// downloads a browser) against the real binary on a fresh SQLite database with
// the demo organisation. Run through `make e2e` (it builds bin/liaise first).
import { defineConfig } from '@playwright/test'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '..')
const port = Number(process.env.LIAISE_E2E_PORT || 18080)
const baseURL = `http://127.0.0.1:${port}`
const dbDir = path.join(os.tmpdir(), `liaise-e2e-${port}`)
const db = path.join(dbDir, 'e2e.db')
const q = (s) => `'${s.replaceAll("'", `'\\''`)}'`

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export default defineConfig({
  testDir: '.',
  testMatch: /.*\.spec\.mjs$/,
  outputDir: path.join(here, 'test-results'),
  // The screenshot journey runs only when asked for (make screenshots).
  grepInvert: process.env.LIAISE_SHOTS ? undefined : /@screens/,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: [['list'], [path.join(here, 'summary-reporter.mjs')]],
  use: {
    baseURL,
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: process.env.LIAISE_CHROMIUM || '/usr/bin/chromium',
      args: chromiumArgs,
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
  },
  webServer: {
    // A fresh database every run: delete it (and its WAL, lock) before start.
    command:
      `rm -rf ${q(dbDir)} && mkdir -p ${q(dbDir)} && ` +
      `exec ${q(path.join(root, 'bin', 'liaise'))} serve --migrate --demo`,
    cwd: root,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      LIAISE_DATABASE_URL: db,
      LIAISE_ADDR: `127.0.0.1:${port}`,
      LIAISE_BASE_URL: baseURL,
      LIAISE_ENV: 'development',
      LIAISE_LOG_LEVEL: 'warn',
      // A fixed key for a throwaway database: keeps the start quiet.
      LIAISE_AUDIT_KEY: 'e2e-only-audit-key-not-a-secret-0123456789',
    },
  },
})
