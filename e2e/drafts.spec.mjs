// Drafts of long forms: "Save as draft" without waiting, the draft back after
// signing out and in, autosave in the background, and discarding it. The
// journey leaves no draft behind for the other journeys.
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'

test('a long form saves as a draft, comes back after sign-in, autosaves and is discarded', async ({ page, audit }) => {
  test.setTimeout(90_000)
  // Autosave waits about 20 seconds after a change: the test moves the clock on.
  await page.clock.install()
  await signIn(page, audit, 'practitioner')
  await visit(page, audit, '/people/new')
  await page.locator('#given_name').fill('Draft')
  await page.locator('#family_name').fill('Journey-Tester')
  await page.getByRole('button', { name: 'Save as draft', exact: true }).click()
  await expectAccessible(page, audit)
  await expect(page.getByText(/^Draft saved at \d\d:\d\d$/)).toBeVisible()
  await expect(page.locator('#family_name')).toHaveValue('Journey-Tester')

  // Signed out and in again: the draft is restored, with a banner.
  await signOut(page, audit)
  await signIn(page, audit, 'practitioner')
  await visit(page, audit, '/people/new')
  await expect(page.getByText(/You have a draft from .* it has been restored/)).toBeVisible()
  await expect(page.locator('#family_name')).toHaveValue('Journey-Tester')

  // A change is saved in the background, and the status line says so.
  await page.locator('#school').fill('Autosaved school')
  await page.clock.fastForward(21_000)
  await expect(page.locator('.app-draft-status')).toHaveText(/^Draft saved \d\d:\d\d$/)
  await visit(page, audit, '/people/new')
  await expect(page.locator('#school')).toHaveValue('Autosaved school')

  // Discarding it starts the form afresh.
  await page.getByRole('button', { name: 'Discard draft', exact: true }).click()
  await expectAccessible(page, audit)
  await expect(page.getByText('Draft discarded')).toBeVisible()
  await expect(page.locator('#family_name')).toHaveValue('')
  await signOut(page, audit)
})
