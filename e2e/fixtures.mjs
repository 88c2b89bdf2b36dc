// Shared fixtures for the browser tests. Every test gets a page that
//   - never reaches beyond the server under test (the NHS.UK CSS asks for its
//     font from assets.nhs.uk; the machine has no network, and a test must not
//     depend on one),
//   - fails the test on any JavaScript error or console error, which includes
//     every Content-Security-Policy violation the browser reports,
//   - must be scanned with axe (WCAG 2.2 AA, zero violations) on every page it
//     visits: a page that was navigated to but never scanned fails the test.
import { test as base, expect } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'

/** The password the demo loader gives every demo account (README lists them). */
export const DEMO_PASSWORD = process.env.LIAISE_DEMO_PASSWORD || 'Liaise-demo-2026!'

/** The WCAG 2.2 AA rule sets axe checks. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export const test = base.extend({
  // audit collects what the page did wrong; the page fixture checks it at the end.
  audit: async ({}, use) => {
    await use({ errors: [], navigations: 0, scanned: new Set(), allowed: [] })
  },

  page: async ({ page, baseURL, audit, javaScriptEnabled }, use, testInfo) => {
    // axe runs as script in the page, so it cannot scan with JavaScript off;
    // those pages are the same ones the JavaScript-on journeys scan.
    audit.axe = javaScriptEnabled !== false
    const origin = new URL(baseURL).origin
    const documents = new Set() // URLs of documents the page navigated to

    await page.route('**/*', (route) => {
      const url = new URL(route.request().url())
      if (url.origin === origin || url.protocol === 'data:') return route.continue()
      return route.abort('blockedbyclient')
    })
    page.on('response', (res) => {
      if (res.request().isNavigationRequest()) documents.add(res.url())
    })
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) audit.navigations++
    })
    page.on('pageerror', (err) => {
      audit.errors.push(`JavaScript error on ${page.url()}: ${err.stack || err.message}`)
    })
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return
      const text = msg.text()
      const where = msg.location()?.url || ''
      if (/^Failed to load resource/.test(text)) {
        // Outside requests are blocked on purpose (see above).
        if (where && new URL(where).origin !== origin) return
        // A document's own error status (a 404 or 422 page) is asserted by the test itself.
        if (documents.has(where)) return
      }
      if (audit.allowed.some((re) => re.test(text))) return
      audit.errors.push(`console error on ${page.url()}: ${text}${where ? ` (${where})` : ''}`)
    })

    await use(page)

    if (testInfo.status !== testInfo.expectedStatus) return // already failing: keep its reason
    expect(audit.errors, 'the browser reported errors (CSP violations count)').toEqual([])
    const unscanned = audit.navigations - audit.scanned.size
    expect(unscanned, `pages visited but not scanned with axe (call expectAccessible after each navigation)`).toBe(0)
  },
})

/**
 * Scans the current page with axe and fails on any WCAG 2.2 AA violation,
 * printing each one readably (rule, impact, help and the offending elements).
 */
export async function expectAccessible(page, audit, label = '') {
  await page.waitForLoadState('load')
  if (audit.axe === false) {
    audit.scanned.add(audit.navigations)
    return
  }
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
  audit.scanned.add(audit.navigations)
  const report = results.violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `      ${n.target.join(' ')}\n        ${(n.failureSummary || '').replaceAll('\n', '\n        ')}`)
        .join('\n')
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`
    })
    .join('\n')
  expect(results.violations.length, `axe found accessibility violations on ${label || page.url()}:\n${report}`).toBe(0)
}

/** Goes to a path and scans it. Returns the navigation response. */
export async function visit(page, audit, path) {
  const res = await page.goto(path)
  await expectAccessible(page, audit, path)
  return res
}

/** Signs in through the sign-in page (scanning it) and lands on the home page. */
export async function signIn(page, audit, username, password = DEMO_PASSWORD) {
  await visit(page, audit, '/sign-in')
  await page.locator('#username').fill(username)
  await page.locator('#password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForLoadState('load')
  await expect(page.locator('.nhsuk-error-summary'), `sign-in as ${username} failed`).toHaveCount(0)
  await expectAccessible(page, audit)
}

/** Signs out with the header button and checks the sign-in page is shown. */
export async function signOut(page, audit) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await expect(page).toHaveURL(/\/sign-in/)
  await expectAccessible(page, audit)
}

export { expect }
