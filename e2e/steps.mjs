// Steps a practitioner takes through the real forms, shared by the journeys
// (journeys.spec.mjs) and the screenshots (screenshots.spec.mjs). Each step
// fills a form by its labels, submits it, waits for the page that answers,
// scans it with axe and checks nothing was refused. Not a spec file: it
// registers no tests.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, visit, expectAccessible } from './fixtures.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The date and time in Europe/London (the service's time zone), `daysAgo` days back. */
export function london(daysAgo = 0) {
  const when = new Date(Date.now() - daysAgo * 24 * 60 * 60 * 1000)
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London', year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).formatToParts(when).map((p) => [p.type, p.value]),
  )
  const [day, month, year] = [Number(parts.day), Number(parts.month), Number(parts.year)]
  return { day, month, year, hour: Number(parts.hour), minute: Number(parts.minute), iso: isoDate(year, month, day) }
}

function isoDate(y, m, d) {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** A calendar date as the pages write it: "Monday 7 December" (Go's "Monday 2 January"). */
export function longDate(iso, { year = false } = {}) {
  const d = new Date(`${iso}T12:00:00Z`)
  const opts = { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }
  if (year) opts.year = 'numeric'
  return new Intl.DateTimeFormat('en-GB', opts).format(d).replace(',', '')
}

/** A date as "7 December 2026" (the pages' dateText). */
export function plainDate(iso) {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(`${iso}T12:00:00Z`))
}

/** The first working day after the date iso: not a weekend, not an England and Wales bank holiday (the shipped list). */
export function nextWorkingDay(iso) {
  const csv = fs.readFileSync(path.join(root, 'internal/codes/data/bank-holidays.csv'), 'utf8')
  const holidays = new Set(csv.split('\n').slice(1).map((l) => l.split(',')[0]).filter(Boolean))
  const d = new Date(`${iso}T12:00:00Z`)
  for (;;) {
    d.setUTCDate(d.getUTCDate() + 1)
    const next = d.toISOString().slice(0, 10)
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && !holidays.has(next)) return next
  }
}

/** The success banner a redirect after a saved form shows. */
export function flash(page) {
  return page.locator('.nhsuk-notification-banner--success')
}

/**
 * Clicks a submit button, waits for the page that answers (a redirect or the
 * form again), scans it and, unless told otherwise, checks it shows no error.
 */
export async function submit(page, audit, button, { expectErrors = false } = {}) {
  const loaded = page.waitForEvent('load')
  await (typeof button === 'string' ? page.getByRole('button', { name: button, exact: true }) : button).click()
  await loaded
  await expectAccessible(page, audit)
  if (!expectErrors) {
    const summary = page.locator('.nhsuk-error-summary')
    if (await summary.count()) throw new Error(`the form was refused on ${page.url()}:\n${await summary.innerText()}`)
  }
}

/** Follows a link (by its accessible name, within scope; or a locator) and scans the page it opens. */
export async function follow(page, audit, name, scope = page) {
  const loaded = page.waitForEvent('load')
  const target = typeof name === 'string' || name instanceof RegExp ? scope.getByRole('link', { name, exact: typeof name === 'string' }).first() : name
  await target.click()
  await loaded
  await expectAccessible(page, audit)
}

/** Fills an NHS date input (id, id-month, id-year) and, when given, its time input (id-time). */
export async function fillDate(page, id, { day, month, year }, time) {
  await page.locator(`#${id}`).fill(String(day))
  await page.locator(`#${id}-month`).fill(String(month))
  await page.locator(`#${id}-year`).fill(String(year))
  if (time !== undefined) await page.locator(`#${id}-time`).fill(time)
}

/** Chooses the radio labelled `label` inside the fieldset whose legend is `legend`. */
export async function choose(page, legend, label) {
  await page.getByRole('group', { name: legend, exact: true }).getByRole('radio', { name: label, exact: true }).check()
}

/**
 * Quick identify in custody (/episodes/new): the name as given, the custody
 * record number and the site; optionally when L&D was alerted. Returns the
 * episode's path, e.g. /episodes/123.
 */
export async function quickIdentify(page, audit, { given, family, custodyRecord, site = /^Preston Police Custody Suite$/, alerted }) {
  await visit(page, audit, '/episodes/new')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quick identify')
  await page.getByLabel('Given name').fill(given)
  await page.getByLabel('Family name').fill(family)
  await page.getByLabel('Custody record number').fill(custodyRecord)
  const sites = page.getByLabel('Site', { exact: true })
  const label = (await sites.locator('option').allTextContents()).find((o) => site.test(o))
  expect(label, `a site matching ${site}`).toBeTruthy()
  await sites.selectOption({ label })
  if (alerted) await fillDate(page, 'alerted_at', alerted.date, alerted.time)
  await submit(page, audit, 'Start episode')
  await expect(flash(page)).toContainText('Episode started')
  await expect(page.getByRole('heading', { level: 1 })).toContainText(family)
  await expect(page.locator('main')).toContainText(custodyRecord)
  return new URL(page.url()).pathname
}

/** The episode page's "Next step" labels, by target state. */
export const STEP = {
  received: 'Record the referral as received (received)',
  accepted: 'Accept the referral (accepted)',
  screening_pending: 'Add to the screening queue (waiting for screening)',
  assessment_pending: 'Add to the assessment queue (waiting for assessment)',
  closed: 'Close the episode (closed)',
}

/** Records one step with the episode page's "Next step" form (the page must be open). */
export async function nextStep(page, audit, to, reason) {
  await page.getByRole('radio', { name: STEP[to], exact: true }).check()
  if (reason) await page.getByLabel(`Reason, if ${to === 'closed' ? 'closed' : to}`).selectOption({ label: reason })
  await submit(page, audit, 'Record this step')
}

/** From identified to waiting for screening, as custody staff hand over and L&D accept. */
export async function toScreeningQueue(page, audit, episode) {
  await visit(page, audit, episode)
  for (const to of ['received', 'accepted', 'screening_pending']) {
    await nextStep(page, audit, to)
    await expect(flash(page)).toContainText('Episode moved to')
  }
  await expect(page.locator('main strong.nhsuk-tag').first()).toHaveText('Waiting for screening')
}

/** A minimum screen from the episode's screening page; the episode becomes screened. */
export async function minimumScreen(page, audit, episode, { risk = 'Medium', advice, assessment = 'Yes' } = {}) {
  await visit(page, audit, `${episode}/screening`)
  await follow(page, audit, 'Record a minimum screen')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Minimum screen')
  await choose(page, 'Risk in custody', risk)
  if (advice) await page.getByLabel('Advice to custody staff').fill(advice)
  await choose(page, 'Is an assessment needed?', assessment)
  await submit(page, audit, 'Save the screening')
  await expect(flash(page)).toContainText('Minimum screen recorded: the episode is now screened')
}

/** Opens the full screening form from the episode's screening page. */
export async function openFullScreen(page, audit, episode) {
  await visit(page, audit, `${episode}/screening`)
  await follow(page, audit, 'Record a full screen')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Full screen')
}

/**
 * Fills the open full screening form: the minimum questions, the four risks,
 * urgency and the vulnerabilities given as { 'checklist label': ['Suspected', 'notes'] }.
 */
export async function fillFullScreen(page, { risk = 'Medium', advice, vulnerabilities = {}, risks = {}, urgency = 'Urgent' } = {}) {
  await page.getByLabel('Who else was present (optional)').fill('Custody nurse')
  await choose(page, 'Risk in custody', risk)
  if (advice) await page.getByLabel('Advice to custody staff').fill(advice)
  await choose(page, 'Is an assessment needed?', 'Yes')
  for (const [label, [answer, notes]] of Object.entries(vulnerabilities)) {
    await choose(page, label, answer)
    if (notes) {
      await openDetails(page, page.getByLabel(`Notes on ${label}`, { exact: true }))
      await page.getByLabel(`Notes on ${label}`, { exact: true }).fill(notes)
    }
  }
  for (const legend of ['Risk to self', 'Risk to others', 'Risk from others', 'Safeguarding']) {
    const [level, notes] = risks[legend] || ['Low']
    await choose(page, legend, level)
    if (notes) await page.getByLabel(`${legend}: notes`).fill(notes)
  }
  await choose(page, 'Urgency', urgency)
}

/**
 * Records an assessment from the episode's assessment page: findings given as
 * { 'domain label': [text, 'Health only' | 'Shareable with justice partners'] }
 * and recommendations as { 'recommendation label': note }.
 */
export async function recordAssessment(page, audit, episode, { type = 'General L&D assessment', findings = {}, formulation, recommendations = {} }) {
  await visit(page, audit, `${episode}/assessment`)
  await follow(page, audit, /^Record an assessment/)
  await page.getByLabel('Type of assessment').selectOption({ label: type })
  for (const [domain, [text, sharing]] of Object.entries(findings)) {
    await openDetails(page, page.getByLabel(`Finding: ${domain}`, { exact: true }))
    await page.getByLabel(`Finding: ${domain}`, { exact: true }).fill(text)
    await choose(page, `Sharing of the finding on ${domain}`, sharing)
  }
  if (formulation) await page.getByLabel('Formulation', { exact: true }).fill(formulation)
  for (const [rec, note] of Object.entries(recommendations)) {
    await page.getByRole('checkbox', { name: rec, exact: true }).check()
    if (note) await page.getByLabel(`Note on: ${rec} (optional)`).fill(note)
  }
  await submit(page, audit, 'Save the assessment')
}

/** Opens the NHS details block that holds the field, by clicking its summary (as a user would). */
export async function openDetails(page, field) {
  const details = page.locator('details').filter({ has: field })
  if (!(await details.evaluate((d) => d.open))) await details.locator('summary').click()
  await expect(field).toBeVisible()
}

/** Records the person's consent (verbal unless told) on the episode's consent page. */
export async function recordConsent(page, audit, episode, { scope = 'Share information with the police', decision = 'Given', form = 'Verbal' } = {}) {
  await visit(page, audit, `${episode}/consent`)
  await follow(page, audit, 'Record a consent decision')
  await page.getByLabel('What is the decision about?').selectOption({ label: scope })
  await choose(page, "The person's decision", decision)
  if (form) await choose(page, 'Verbal or written', form)
  await submit(page, audit, 'Save decision')
  await expect(flash(page)).toContainText(`Consent recorded: ${scope.toLowerCase()}, ${decision.toLowerCase()}`)
}

/** On /documents: drafts a document of the kind from the record; lands on its edit form. Returns the document's path. */
export async function draftDocument(page, audit, episode, kind = 'Custody advice note') {
  await visit(page, audit, `${episode}/documents`)
  await choose(page, 'What kind of document?', kind)
  await submit(page, audit, 'Draft from the record')
  await expect(flash(page)).toContainText(`${kind} drafted from the record`)
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Edit ${kind}`)
  return new URL(page.url()).pathname.replace(/\/edit$/, '')
}

/** The keys of the sections the open edit form includes (their "Include in the document" box is ticked). */
export async function includedSections(page) {
  return page.locator('input[type="checkbox"][id^="include_"]').evaluateAll((els) => els.filter((e) => e.checked).map((e) => e.id.slice('include_'.length)))
}

/** Saves the open edit form, approves the new version and issues it after the identity check. */
export async function approveAndIssue(page, audit, { kind = 'Custody advice note', role = 'Custody sergeant', channel = 'Secure email' } = {}) {
  await submit(page, audit, 'Save as a new version')
  await expect(flash(page)).toContainText(/Version \d+ saved as a draft/)
  const version = Number((await flash(page).innerText()).match(/Version (\d+)/)[1])
  await expect(page.locator('main p').filter({ has: page.locator('.nhsuk-tag') }).first()).toContainText('Draft')

  await submit(page, audit, `Approve version ${version}`)
  await expect(flash(page)).toContainText(`${kind} version ${version} approved: it can now be issued`)

  // A link styled as a button (role="button"), as NHS.UK does for a start-like action.
  await follow(page, audit, page.getByRole('button', { name: 'Check identity and issue', exact: true }))
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Issue ${kind}`)
  await choose(page, 'How did you check this document is about the right person?',
    'Name, date of birth and custody record number checked against the custody record')
  await page.getByRole('checkbox', { name: /^I have checked that this document is about / }).check()
  await choose(page, 'Agency', 'Police')
  await page.getByLabel('Their role').fill(role)
  await choose(page, 'How it is shared', channel)
  await choose(page, 'Legal basis for sharing without consent', 'None: the person has consented to this sharing')
  await submit(page, audit, 'Issue and record the disclosure')
  await expect(flash(page)).toContainText(`${kind} issued to police and recorded as a disclosure`)
  await expect(flash(page)).not.toContainText('without consent')
  return version
}
