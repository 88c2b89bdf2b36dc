// Every page of an episode's record, scanned with axe (WCAG 2.2 AA), with a
// case note saved and a screening form's error summary shown, as a
// practitioner on a custody shift would meet them.
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'

test('the parts of an episode record are usable and accessible', async ({ page, audit }) => {
  test.setTimeout(120_000)
  await signIn(page, audit, 'practitioner')
  await visit(page, audit, '/episodes/new')
  await page.locator('#given_name').fill('Amira')
  await page.locator('#family_name').fill('Haddad')
  await page.locator('#custody_record').fill('LC-26-010203')
  const site = page.locator('#site_id')
  const options = await site.locator('option').allTextContents()
  await site.selectOption({ label: options.find((o) => /Preston.*Custody/i.test(o)) || options[1] })
  await page.getByRole('button', { name: 'Start episode' }).click()
  await expectAccessible(page, audit)
  const episode = new URL(page.url()).pathname

  // Every part of the record listed on the episode page opens and passes axe.
  const parts = await page.locator('.nhsuk-contents-list__link').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  expect(parts.length).toBeGreaterThanOrEqual(6)
  for (const href of parts) {
    const res = await visit(page, audit, href)
    expect(res.status(), href).toBe(200)
  }
  for (const form of ['screening/minimum', 'screening/full', 'assessment/new', 'slt-request', 'consent/new', 'disclosures/new',
    'outcomes/custody', 'outcomes/court', 'referrals/new', 'contacts/direct', 'contacts/indirect']) {
    const res = await visit(page, audit, `${episode}/${form}`)
    expect(res.status(), form).toBeLessThan(400)
  }

  // A screening saved with nothing filled in shows the error summary.
  await visit(page, audit, `${episode}/screening/minimum`)
  await page.getByRole('button', { name: 'Save the screening' }).click()
  await expectAccessible(page, audit)
  await expect(page.locator('.nhsuk-error-summary')).toBeVisible()

  // A case note is saved and listed.
  await visit(page, audit, `${episode}/notes`)
  await page.locator('#text').fill('Seen in cell 4 with the custody nurse. Calm, oriented; asked for her sister to be told.')
  await page.getByRole('button', { name: 'Save note' }).click()
  await expectAccessible(page, audit)
  await expect(page.getByText('Seen in cell 4 with the custody nurse.')).toBeVisible()

  // My tasks, the boards (and a board in initials-only mode).
  await visit(page, audit, '/tasks')
  await visit(page, audit, '/boards')
  const board = await page.locator('main a[href^="/boards/"]').first().getAttribute('href')
  await visit(page, audit, board)
  await visit(page, audit, board + '?display=initials')
  await expect(page.getByText('Haddad')).toHaveCount(0)
  await signOut(page, audit)

  // The speech and language therapist's queue.
  await signIn(page, audit, 'slt')
  await visit(page, audit, '/slt')
  await signOut(page, audit)

  // The Caldicott Guardian's review queues.
  await signIn(page, audit, 'caldicott-guardian')
  await visit(page, audit, '/reviews/break-glass')
  await visit(page, audit, '/reviews/disclosures')
  await signOut(page, audit)
})
