// The journeys of issue 3, as practitioners make them through the real forms
// (no API shortcuts), each page scanned with axe: a custody shift from quick
// identify to closure with a custody advice note issued in between; a charge
// that hands the episode to a court team and puts the person on today's
// court list; and an urgent disclosure at night reviewed the next working day
// by the Caldicott Guardian. Each journey makes its own people, with names
// no demo person has.
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'
import {
  london, longDate, plainDate, nextWorkingDay, flash, submit, follow, fillDate, choose, quickIdentify, nextStep,
  toScreeningQueue, minimumScreen, openFullScreen, fillFullScreen, recordAssessment, recordConsent, draftDocument,
  includedSections, approveAndIssue,
} from './steps.mjs'

test('custody shift, end to end: identify, screen, assess, consent, advice note, refer, contact, close', async ({ page, audit }) => {
  test.setTimeout(120_000)
  const person = { given: 'Teodor', family: 'Quennell-Abara', custodyRecord: 'LC-26-071154' }
  // A health-only finding must never reach the police; a shareable one may.
  const healthOnly = 'Low mood since a bereavement in the spring; known to the community mental health team'
  const shareable = 'Uses heroin daily; last used before arrest and may withdraw during detention'
  const advice = 'Check on him every 30 minutes; he may withdraw from opiates overnight'

  await signIn(page, audit, 'practitioner')
  const episode = await quickIdentify(page, audit, person)
  await expect(page.locator('main strong.nhsuk-tag').first()).toHaveText('Identified')
  await toScreeningQueue(page, audit, episode)

  // Minimum screen first (he may be released at any moment), then the full screen.
  await minimumScreen(page, audit, episode, { risk: 'Medium', advice })
  await openFullScreen(page, audit, episode)
  await fillFullScreen(page, {
    risk: 'Medium', advice,
    vulnerabilities: {
      'Substance misuse: drugs': ['Suspected', 'Track marks; says he uses heroin'],
      'Mental health (including psychosis, depression, anxiety, personality disorder, trauma or PTSD)': ['Suspected'],
      'Housing: unstable accommodation or homelessness': ['Confirmed', 'Sofa-surfing since October'],
    },
    risks: { 'Risk to self': ['Medium', 'Withdrawal; no current thoughts of self-harm'] },
  })
  await submit(page, audit, 'Save the screening')
  await expect(flash(page)).toContainText('Full screen recorded')
  const latest = page.locator('.nhsuk-card').first()
  await expect(latest.getByRole('heading', { level: 3 })).toContainText('Full screen')
  await expect(latest).toContainText('Substance misuse: drugs: suspected (Track marks; says he uses heroin)')
  await expect(latest).toContainText('Housing: unstable accommodation or homelessness: confirmed')
  await expect(page.locator('.nhsuk-card')).toHaveCount(2)

  // To the assessment queue, and the assessment: one finding shareable, one health only.
  await visit(page, audit, episode)
  await nextStep(page, audit, 'assessment_pending')
  await expect(page.locator('main strong.nhsuk-tag').first()).toHaveText('Waiting for assessment')
  await recordAssessment(page, audit, episode, {
    findings: {
      'Substance misuse: drugs': [shareable, 'Shareable with justice partners'],
      'Mental health (including psychosis, depression, anxiety, personality disorder, trauma or PTSD)': [healthOnly, 'Health only'],
    },
    formulation: 'Opiate dependence with unstable housing; needs support to engage with treatment after release.',
    recommendations: { 'Appropriate adult': 'For interview: he struggles to follow long questions when withdrawing' },
  })
  await expect(flash(page)).toContainText('Assessment recorded: the episode is now assessed')
  await expect(page.locator('main')).toContainText(shareable)
  await expect(page.locator('main')).toContainText('Appropriate adult')

  // Consent to share with the police, given verbally.
  await recordConsent(page, audit, episode, { scope: 'Share information with the police', decision: 'Given', form: 'Verbal' })
  await expect(page.locator('main dl').first()).toContainText('Share information with the police')

  // The custody advice note: drafted from the record without the health-only finding.
  const doc = await draftDocument(page, audit, episode, 'Custody advice note')
  await expect(page.getByRole('checkbox', { name: 'Include in the document' }).first()).toBeVisible()
  const included = await includedSections(page)
  expect(included).toEqual(expect.arrayContaining(['adaptations', 'risk']))
  expect(included).not.toContain('health_only')
  for (const key of included) {
    await expect(page.locator(`#text_${key}`), `included section ${key}`).not.toHaveValue(/bereavement/)
  }
  // It is kept in the left-out health-only section, for the practitioner to see.
  await expect(page.locator('#include_health_only')).not.toBeChecked()
  await expect(page.locator('#text_health_only')).toHaveValue(/bereavement/)
  await expect(page.locator('#text_adaptations')).toHaveValue(/Appropriate adult/)
  const version = await approveAndIssue(page, audit, { role: 'Custody sergeant', channel: 'Secure email' })
  expect(new URL(page.url()).pathname).toBe(doc)
  await expect(page.locator('main p').filter({ has: page.locator('.nhsuk-tag') }).first()).toContainText('Issued')
  const note = page.locator('article.app-document')
  await expect(note).toContainText('Appropriate adult')
  await expect(note).toContainText(advice)
  await expect(note).not.toContainText('bereavement')
  await expect(note).toContainText('Issued by')
  await expect(note).toContainText('to police (Custody sergeant)')

  // The issue is in the person's disclosure log, on the basis of consent, linked to the version.
  await visit(page, audit, `${episode}/consent`)
  await follow(page, audit, "Person's disclosure log")
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Disclosure log')
  const issued = page.locator('tbody tr').filter({ hasText: 'Custody sergeant' })
  await expect(issued).toHaveCount(1)
  await expect(issued).toContainText('Police: Custody sergeant')
  await expect(issued).toContainText('Secure email')
  await expect(issued).toContainText('Consent: share information with the police')
  await expect(issued.getByRole('link', { name: `Custody advice note, version ${version}` })).toBeVisible()
  const personPath = new URL(page.url()).pathname.replace(/\/disclosures$/, '')

  // Onward referral to a substance misuse service.
  await visit(page, audit, `${episode}/referrals`)
  await follow(page, audit, 'Make an onward referral')
  await page.getByLabel('Need the referral is for').selectOption({ label: 'Substance misuse: drugs' })
  await page.getByLabel('Service', { exact: true }).fill('Change Grow Live – Preston drug and alcohol service')
  await choose(page, 'How is the referral made?', 'Secure email')
  await choose(page, 'Has the referral been sent?', 'Sent')
  await page.getByRole('checkbox', { name: 'A worker will support the person to the first appointment' }).check()
  await submit(page, audit, 'Save referral')
  await expect(flash(page)).toContainText('Onward referral recorded as sent')
  await expect(page.locator('main')).toContainText('Change Grow Live – Preston drug and alcohol service')

  // A direct contact with him in custody.
  await visit(page, audit, `${episode}/contacts`)
  await follow(page, audit, 'Record a direct contact')
  await page.getByLabel('Duration in minutes').fill('40')
  await page.getByLabel('How the contact took place').selectOption({ label: 'Face to face' })
  await expect(page.getByLabel('Where it took place')).toHaveValue('M03') // police custody, from the site
  await page.getByLabel('Attendance').selectOption({ index: 1 })
  await page.getByLabel('Summary').fill('Explained the referral to Change Grow Live and the advice note shared with the custody sergeant.')
  await submit(page, audit, 'Save')
  await expect(flash(page)).toContainText('Direct contact recorded')
  await expect(page.locator('main')).toContainText('Explained the referral to Change Grow Live')

  // Close the episode: referred on.
  await visit(page, audit, episode)
  await nextStep(page, audit, 'closed', 'Referred to another service or signposted')
  await expect(flash(page)).toContainText('Episode moved to closed')
  await expect(page.locator('main strong.nhsuk-tag').first()).toHaveText('Closed')
  await expect(page.getByRole('heading', { name: 'Next step' })).toHaveCount(0) // nothing follows a closed episode
  const history = page.locator('table').filter({ has: page.getByText('Steps of this episode, oldest first') })
  await expect(history.locator('tbody tr td:nth-child(2)')).toHaveText([
    'Identified',
    'Identified to received',
    'Received to accepted',
    'Accepted to waiting for screening',
    'Waiting for screening to screened',
    'Screened to waiting for assessment',
    'Waiting for assessment to assessed',
    'Assessed to closed',
  ])
  await expect(history.locator('tbody tr').last()).toContainText('Referred to another service or signposted')
  await expect(page.locator('main dl').filter({ hasText: 'Identified to closed' })).toBeVisible() // the clocks

  // The person's timeline tells the same story.
  await visit(page, audit, personPath)
  const timeline = page.locator('main dl.nhsuk-summary-list').filter({ has: page.getByText('Screening', { exact: true }) })
  await expect(timeline.getByRole('link', { name: 'Full screen', exact: true })).toBeVisible()
  await expect(timeline.getByRole('link', { name: 'Information shared with the police (Custody sergeant)' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Episodes' })).toBeVisible()
  await signOut(page, audit)
})

test('remand: a charge with a hearing today hands the episode to the court team and its court list', async ({ page, audit }) => {
  test.setTimeout(120_000)
  const person = { given: 'Marisol', family: 'Okonjo-Hartley', custodyRecord: 'LC-26-071377' }
  const today = london()
  await signIn(page, audit, 'practitioner')
  const episode = await quickIdentify(page, audit, person)
  await toScreeningQueue(page, audit, episode)
  await minimumScreen(page, audit, episode, { risk: 'Low', assessment: 'No' })

  // Charged, with the first hearing today at a magistrates' court another team covers.
  await visit(page, audit, `${episode}/outcomes`)
  await follow(page, audit, 'Record a custody outcome')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Record a custody outcome')
  await choose(page, 'Outcome', 'Charged')
  await page.getByLabel('Court of the next hearing').selectOption({ label: "Blackburn Magistrates' Court" })
  await fillDate(page, 'next_hearing_date', today)
  await page.getByLabel('Handover note for the court team').fill('Anxious about court; screened in custody, low risk. Please see her in the cells before the hearing.')
  await submit(page, audit, 'Save')
  // The practitioner's team no longer holds the episode: back to the caseload.
  await expect(flash(page)).toContainText(`Handed over to Lancashire L&D – Blackburn and Burnley for the hearing on ${plainDate(today.iso)}`)
  await expect(page).toHaveURL(/\/caseload$/)
  await visit(page, audit, '/boards')
  await expect(page.getByRole('link', { name: "Blackburn Magistrates' Court" })).toHaveCount(0)
  await signOut(page, audit)

  // A member of the court team (Blackburn and Burnley only) finds her on today's court list.
  await signIn(page, audit, 'str-worker')
  await visit(page, audit, '/boards')
  await follow(page, audit, "Blackburn Magistrates' Court")
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Blackburn Magistrates' Court")
  const courtList = page.locator('table').filter({ has: page.getByText("Hearings today at this board's courts") })
  const row = courtList.locator('tbody tr').filter({ hasText: 'Okonjo-Hartley' })
  await expect(row).toHaveCount(1)
  await expect(row).toContainText("Blackburn Magistrates' Court")
  await expect(row).toContainText('Screened')
  await expect(page.getByText('No hearings today.')).toHaveCount(0)

  // Initials only, for a screen others can see: no name, no date of birth column.
  await follow(page, audit, 'Show initials only')
  await expect(page).toHaveURL(/display=initials/)
  await expect(page.getByText('Okonjo-Hartley')).toHaveCount(0)
  await expect(page.getByText('Marisol')).toHaveCount(0)
  const initialsRow = page.locator('table').filter({ has: page.getByText("Hearings today at this board's courts") }).locator('tbody tr')
    .filter({ has: page.getByRole('link', { name: 'M. O.', exact: true }) })
  await expect(initialsRow).toHaveCount(1)
  await expect(page.getByRole('columnheader', { name: 'Date of birth' })).toHaveCount(0)

  // The episode itself now sits with the court team, at the court, with today's hearing.
  await follow(page, audit, 'M. O.', initialsRow)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Okonjo-Hartley')
  const facts = page.locator('main dl').first()
  await expect(facts).toContainText('Lancashire L&D – Blackburn and Burnley')
  await expect(facts).toContainText("Blackburn Magistrates' Court")
  await expect(facts).toContainText(plainDate(today.iso))
  await visit(page, audit, `${episode}/outcomes`)
  await expect(page.locator('main')).toContainText('Charged')
  await expect(page.locator('main')).toContainText('Please see her in the cells before the hearing.')
  await signOut(page, audit)
})

test('urgent disclosure at night without consent, reviewed by the Caldicott Guardian the next working day', async ({ page, audit }) => {
  test.setTimeout(120_000)
  const person = { given: 'Caoimhe', family: 'Vasquez-Lindqvist', custodyRecord: 'LC-26-071902' }
  // 02:30 today (yesterday, should the test run before 02:35, so it is never in the future).
  const now = london()
  const night = now.hour * 60 + now.minute >= 2 * 60 + 35 ? now : london(1)
  const due = nextWorkingDay(night.iso)

  await signIn(page, audit, 'practitioner')
  const episode = await quickIdentify(page, audit, { ...person, alerted: { date: night, time: '01:50' } })
  await visit(page, audit, `${episode}/consent`)
  await expect(page.getByText('No consent is in force for this episode.')).toBeVisible()
  await follow(page, audit, 'Record a disclosure')
  await page.getByLabel('Agency').selectOption({ label: 'Police' })
  await page.getByLabel('Their role').fill('Custody inspector')
  await page.getByLabel('Why it was shared').selectOption({ label: 'Managing risk' })
  await page.getByLabel('What was shared').fill('She said she would harm herself once released; told the inspector so that release could be delayed until seen by the crisis team.')
  await choose(page, 'How it was shared', 'Telephone')
  await fillDate(page, 'occurred_at', night, '02:30')
  await choose(page, 'Legal basis for sharing without consent', 'Risk of serious harm to the person or others')
  await page.getByRole('checkbox', { name: /^Urgent: shared at once to prevent harm/ }).check()
  await submit(page, audit, 'Save disclosure')
  await expect(flash(page).locator('.nhsuk-notification-banner__heading')).toHaveText(
    `Disclosure to police recorded. It was made without consent, so it will be reviewed on ${longDate(due)}`)

  // The person's disclosure log: urgent, without consent, waiting for review.
  await follow(page, audit, "Person's disclosure log")
  const logRow = page.locator('tbody tr').filter({ hasText: 'Custody inspector' })
  await expect(logRow).toHaveCount(1)
  await expect(logRow).toContainText(`${night.day} ${monthShort(night.month)} ${night.year} 02:30`)
  await expect(logRow.locator('.nhsuk-tag')).toHaveText('Urgent')
  await expect(logRow).toContainText('Without consent: risk of serious harm to the person or others')
  await expect(logRow).toContainText(`Waiting for review (due ${longDate(due, { year: true })})`)
  const logPath = new URL(page.url()).pathname
  await signOut(page, audit)

  // The next working day: the Caldicott Guardian reviews it.
  await signIn(page, audit, 'caldicott-guardian')
  await visit(page, audit, '/reviews/disclosures')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Disclosures made without consent')
  const pending = page.locator('tbody tr').filter({ hasText: 'Vasquez-Lindqvist' })
  await expect(pending).toHaveCount(1)
  await expect(pending).toContainText(shortDate(due)) // review due
  await expect(pending).toContainText('Custody inspector')
  await expect(pending.locator('.nhsuk-tag', { hasText: 'Urgent' })).toBeVisible()
  await pending.getByRole('radio', { name: 'Appropriate', exact: true }).check()
  await pending.getByLabel('Comment').fill('Appropriate: an immediate risk to life, shared with the inspector only. No further action.')
  await submit(page, audit, pending.getByRole('button', { name: /^Record review/ }))
  await expect(flash(page)).toContainText('Review recorded.')
  await expect(page.locator('tbody tr').filter({ hasText: 'Vasquez-Lindqvist' })).toHaveCount(0) // no longer waiting

  await page.getByRole('radio', { name: 'Reviewed', exact: true }).check()
  await submit(page, audit, 'Show disclosures')
  const reviewed = page.locator('tbody tr').filter({ hasText: 'Vasquez-Lindqvist' })
  await expect(reviewed).toHaveCount(1)
  await expect(reviewed.locator('.nhsuk-tag', { hasText: 'Appropriate' })).toBeVisible()
  await expect(reviewed).toContainText('an immediate risk to life, shared with the inspector only')
  await expect(reviewed).toContainText('By ')
  await signOut(page, audit)

  // The practitioner sees the review in the log.
  await signIn(page, audit, 'practitioner')
  await visit(page, audit, logPath)
  const done = page.locator('tbody tr').filter({ hasText: 'Custody inspector' })
  await expect(done).toContainText('Reviewed: appropriate')
  await expect(done).not.toContainText('Waiting for review')
  await signOut(page, audit)
})

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function monthShort(m) {
  return MONTHS[m - 1]
}

/** A date as the review queue writes it: "Mon 7 Dec 2026" (Go's "Mon 2 Jan 2006"). */
function shortDate(iso) {
  const d = new Date(`${iso}T12:00:00Z`)
  return `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

// Each review queue links to the other, so the Reviews menu item reaches both.
test('a reviewer reaches the disclosure review queue from the Reviews navigation', async ({ page, audit }) => {
  await signIn(page, audit, 'caldicott-guardian')
  await follow(page, audit, 'Reviews', page.getByRole('navigation', { name: 'Menu' }))
  await expect(page.locator('main').getByRole('link', { name: /disclosures/i }), 'a link to the disclosure reviews').not.toHaveCount(0)
  await follow(page, audit, /disclosures/i, page.locator('main'))
  await expect(page).toHaveURL(/\/reviews\/disclosures/)
  await signOut(page, audit)
})
