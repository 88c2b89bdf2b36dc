// Pictures of key pages for people reviewing the UI (not a test of anything
// beyond the usual checks). Runs only with `make screenshots`, which sets
// LIAISE_SHOTS=1; files go to $LIAISE_SHOTS_DIR or /tmp/liaise-shots.
import fs from 'node:fs'
import path from 'node:path'
import { test, visit, signIn, expectAccessible } from './fixtures.mjs'

const dir = process.env.LIAISE_SHOTS_DIR || '/tmp/liaise-shots'

async function shot(page, name) {
  fs.mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true })
}

test.use({ viewport: { width: 1280, height: 900 } })

test('screenshots of key pages @screens', async ({ page, audit }) => {
  test.setTimeout(120_000)
  await visit(page, audit, '/sign-in')
  await shot(page, '01-sign-in')

  await page.locator('#username').fill('practitioner')
  await page.locator('#password').fill('wrong')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForLoadState('load')
  await expectAccessible(page, audit)
  await shot(page, '02-sign-in-error')

  await signIn(page, audit, 'practitioner')
  await shot(page, '03-home-practitioner')

  // The caseload, a custody suite's board and an episode.
  await visit(page, audit, '/caseload')
  await shot(page, '15-caseload')
  await visit(page, audit, '/boards')
  const board = await page.getByRole('link', { name: /Preston.*Custody/i }).first().getAttribute('href')
  await visit(page, audit, board)
  await shot(page, '16-board')
  await visit(page, audit, board + '?display=initials')
  await shot(page, '18-board-initials')
  await visit(page, audit, '/caseload')
  const ep = await page.locator('main table a[href^="/episodes/"]').first().getAttribute('href')
  if (ep && !ep.endsWith('/new')) {
    await visit(page, audit, ep)
    await shot(page, '17-episode')
  }

  // People: the find page, the create form with an error, and a person page.
  await visit(page, audit, '/people')
  await shot(page, '12-people-find')
  await visit(page, audit, '/people/new')
  await page.locator('#given_name').fill('Jordan')
  await page.locator('#family_name').fill('Ní Bhriain')
  await page.locator('#date_of_birth').fill('14')
  await page.locator('#date_of_birth-month').fill('8')
  await page.locator('#date_of_birth-year').fill('2009')
  await page.locator('#nhs_number').fill('485 777 3456')
  await page.getByRole('button', { name: 'Create person' }).click()
  await expectAccessible(page, audit)
  await shot(page, '13-person-form-error')
  await page.locator('#nhs_number').fill('943 476 5919')
  await page.getByRole('button', { name: 'Create person' }).click()
  await expectAccessible(page, audit)
  await shot(page, '14-person-page')

  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await page.waitForLoadState('load')
  await expectAccessible(page, audit)

  await signIn(page, audit, 'administrator')
  await shot(page, '04-home-administrator')
  const pages = [
    ['/admin', '05-admin'],
    ['/codes', '06-codes'],
    ['/account', '08-account'],
    ['/no-such-page', '09-not-found'],
  ]
  for (const [url, name] of pages) {
    const res = await visit(page, audit, url)
    if (res.status() !== 404 || name === '09-not-found') await shot(page, name)
  }
  await page.setViewportSize({ width: 375, height: 800 })
  await visit(page, audit, '/')
  await shot(page, '10-home-mobile')

  // The audit trail, as the auditor sees it.
  await page.setViewportSize({ width: 1280, height: 900 })
  await page.getByRole('button', { name: 'Sign out', exact: true }).click()
  await page.waitForLoadState('load')
  await expectAccessible(page, audit)
  await signIn(page, audit, 'auditor')
  await visit(page, audit, '/audit?username=practitioner')
  await shot(page, '07-audit')
  await visit(page, audit, '/admin/users')
  await shot(page, '11-users-forbidden')
})
