// A custody shift: quick identify a detainee, then move the episode through
// received, accepted and waiting for screening, and find it on the caseload.
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'

test('quick identify in custody and the first steps of the pathway', async ({ page, audit }) => {
  test.setTimeout(90_000)
  await signIn(page, audit, 'practitioner')
  await visit(page, audit, '/caseload')
  await page.getByRole('link', { name: 'Quick identify' }).click()
  await expectAccessible(page, audit)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Quick identify')

  await page.locator('#given_name').fill('Kacper')
  await page.locator('#family_name').fill('Wiśniewski')
  await page.locator('#custody_record').fill('LC-26-009911')
  const site = page.locator('#site_id')
  const options = await site.locator('option').allTextContents()
  const preston = options.find((o) => /Preston.*Custody/i.test(o)) || options[1]
  await site.selectOption({ label: preston })
  await page.getByRole('button', { name: 'Start episode' }).click()
  await expectAccessible(page, audit)
  await expect(page.locator('.nhsuk-error-summary')).toHaveCount(0)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Wiśniewski')

  for (const step of ['received', 'accepted', 'screening_pending']) {
    await page.locator(`input[name="to"][value="${step}"]`).check()
    await page.getByRole('button', { name: 'Record this step' }).click()
    await expectAccessible(page, audit)
    await expect(page.locator('.nhsuk-error-summary')).toHaveCount(0)
  }
  // The history lists every step, newest state shown as a tag.
  await expect(page.locator('table').last()).toContainText(/screening/i)

  // Not yet allocated to anyone, so it shows on the team's caseload.
  await visit(page, audit, '/caseload')
  await page.getByRole('link', { name: /Team caseload: .*Preston/ }).click()
  await expectAccessible(page, audit)
  await expect(page.getByRole('link', { name: /Wiśniewski/ })).toBeVisible()
  await signOut(page, audit)
})
