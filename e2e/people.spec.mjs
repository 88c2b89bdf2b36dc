// Find before create: the practitioner searches, creates the person, is
// warned about a likely duplicate on the second try, and opens the record.
// Staff of another team cannot open it: an STR worker (whose role has no
// break-glass) is refused with the friendly page.
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'

test('find, create, duplicate warning and the person page', async ({ page, audit }) => {
  test.setTimeout(90_000)
  await signIn(page, audit, 'practitioner')
  await visit(page, audit, '/people')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Find a person')

  await page.locator('#q').fill("zoe o'brien")
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await expectAccessible(page, audit)
  await expect(page.getByText('No one matches this search.')).toBeVisible()

  await page.getByRole('link', { name: 'Create a new person' }).click()
  await expectAccessible(page, audit)
  await page.locator('#given_name').fill('Zoë')
  await page.locator('#family_name').fill("O'Brien-Smith")
  await page.locator('#date_of_birth').fill('27')
  await page.locator('#date_of_birth-month').fill('3')
  await page.locator('#date_of_birth-year').fill('1998')
  await page.locator('#nhs_number').fill('999 000 0018')
  await page.getByRole('button', { name: 'Create person' }).click()
  await expectAccessible(page, audit)
  // An invalid NHS number is explained in the error summary, and what was typed is kept.
  if (await page.locator('.nhsuk-error-summary').count()) {
    await expect(page.locator('.nhsuk-error-summary')).toContainText('NHS number')
    await expect(page.locator('#family_name')).toHaveValue("O'Brien-Smith")
    await page.locator('#nhs_number').fill('')
    await page.getByRole('button', { name: 'Create person' }).click()
    await expectAccessible(page, audit)
  }
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Brien-Smith')
  const personURL = page.url()

  // The same name and date of birth again is caught before a duplicate is made.
  await visit(page, audit, '/people/new')
  await page.locator('#given_name').fill('Zoe')
  await page.locator('#family_name').fill('OBrien-Smith')
  await page.locator('#date_of_birth').fill('27')
  await page.locator('#date_of_birth-month').fill('3')
  await page.locator('#date_of_birth-year').fill('1998')
  await page.getByRole('button', { name: 'Create person' }).click()
  await expectAccessible(page, audit)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('same person')
  await page.getByRole('link', { name: 'Use this person' }).first().click()
  await expectAccessible(page, audit)
  expect(page.url()).toBe(personURL)

  // A search by a fragment finds them.
  await visit(page, audit, '/people/search?q=obri')
  await expect(page.getByRole('link', { name: /Brien-Smith/ })).toBeVisible()
  await signOut(page, audit)

  // Another team's STR worker (no break-glass in their role) is refused.
  await signIn(page, audit, 'str-worker')
  const res = await visit(page, audit, new URL(personURL).pathname)
  expect(res.status()).toBe(403)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('You do not have access to this page')
  await expect(page.getByText('not a member of')).toBeVisible()
  await signOut(page, audit)
})
