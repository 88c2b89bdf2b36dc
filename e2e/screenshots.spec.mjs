// Pictures of key pages for people reviewing the UI (not a test of anything
// beyond the usual checks). Runs only with `make screenshots`, which sets
// LIAISE_SHOTS=1; files go to $LIAISE_SHOTS_DIR or /tmp/liaise-shots.
import fs from 'node:fs'
import path from 'node:path'
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'
import {
  quickIdentify, toScreeningQueue, minimumScreen, openFullScreen, fillFullScreen, submit, nextStep, recordAssessment,
  recordConsent, draftDocument, approveAndIssue, follow,
} from './steps.mjs'

const dir = process.env.LIAISE_SHOTS_DIR || '/tmp/liaise-shots'

async function shot(page, name, { fullPage = true, clip } = {}) {
  fs.mkdirSync(dir, { recursive: true })
  await page.evaluate(() => document.activeElement?.blur()) // no focus ring left by the test's last click
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage, clip })
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

// The pathway pages of issue 3, on a record made through the forms: the full
// screening form (filled in part), a custody advice note once issued and its
// print version (print media), and the person page with its timeline.
test('screenshots of the pathway pages @screens', async ({ page, audit }) => {
  test.setTimeout(180_000)
  await signIn(page, audit, 'practitioner')
  const episode = await quickIdentify(page, audit, { given: 'Rhiannon', family: 'Aldous-Mensah', custodyRecord: 'LC-26-080417' })
  await toScreeningQueue(page, audit, episode)
  const advice = 'Check on her every 30 minutes; she may withdraw from alcohol overnight'
  await minimumScreen(page, audit, episode, { risk: 'Medium', advice })

  await openFullScreen(page, audit, episode)
  await fillFullScreen(page, {
    risk: 'Medium', advice,
    vulnerabilities: {
      'Mental health (including psychosis, depression, anxiety, personality disorder, trauma or PTSD)': ['Suspected', 'Low mood; past contact with the crisis team'],
      'Learning difficulty': ['Suspected', 'Left school at 14; could not read the rights leaflet'],
      'Substance misuse: alcohol': ['Confirmed', 'Drinks a litre of vodka a day; last drink at 09:00'],
      'Housing: unstable accommodation or homelessness': ['Suspected'],
      'Speech, language and communication needs': ['Suspected', 'Struggles with long questions'],
    },
    risks: { 'Risk to self': ['Medium', 'Withdrawal seizures in the past'] },
  })
  await shot(page, '19-screening-full')
  // The whole form is over 8,000 px; for the README, its top: the minimum
  // questions and the first of the vulnerabilities (docs/screenshots/screening.png).
  await shot(page, '19-screening-full-top', { clip: { x: 0, y: 0, width: 1280, height: 2600 } })
  await submit(page, audit, 'Save the screening')

  await visit(page, audit, episode)
  await nextStep(page, audit, 'assessment_pending')
  await recordAssessment(page, audit, episode, {
    findings: {
      'Substance misuse: alcohol': ['Alcohol dependent; at risk of withdrawal in custody', 'Shareable with justice partners'],
      'Speech, language and communication needs': ['Needs short, plain questions and time to answer', 'Shareable with justice partners'],
      'Mental health (including psychosis, depression, anxiety, personality disorder, trauma or PTSD)': ['Past contact with the crisis team', 'Health only'],
    },
    formulation: 'Alcohol dependence; communication needs make interview hard without support.',
    recommendations: {
      'Appropriate adult': 'For interview',
      'Adaptations for interview': 'Short questions, one at a time; regular breaks',
      'Diversion or out-of-court disposal': 'Suitable for an alcohol treatment pathway',
    },
  })
  await recordConsent(page, audit, episode)
  await draftDocument(page, audit, episode, 'Custody advice note')
  const version = await approveAndIssue(page, audit)
  await visit(page, audit, new URL(page.url()).pathname) // as it is opened later, without the success banner
  await expect(page.locator('article.app-document')).toContainText('Issued by')
  await shot(page, '20-document-issued') // docs/screenshots/document.png

  await follow(page, audit, `Print version ${version}`)
  await expect(page.locator('article.app-document')).toBeVisible()
  await page.emulateMedia({ media: 'print' })
  await shot(page, '21-document-print')
  await page.emulateMedia({ media: 'screen' })

  await visit(page, audit, episode)
  await follow(page, audit, "Open the person's record")
  await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible()
  await shot(page, '22-person-timeline')
  await signOut(page, audit)
})
