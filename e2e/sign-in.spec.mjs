// Staff sign-in journeys: the first thing everyone does, on a shared custody
// terminal as often as not, so it must work with and without JavaScript and
// stay accessible.
import { test, expect, visit, signIn, signOut, expectAccessible } from './fixtures.mjs'

test('the practitioner signs in, sees their teams and what they can do, and signs out', async ({ page, audit }) => {
  // A signed-out visit to the home page leads to the sign-in page.
  await page.goto('/')
  await expect(page).toHaveURL(/\/sign-in/)
  await expectAccessible(page, audit)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Sign in')

  await signIn(page, audit, 'practitioner')
  await expect(page).toHaveURL(/\/$/)
  const account = page.getByRole('navigation', { name: 'Account' })
  await expect(account).toBeVisible()
  await expect(account.getByRole('button', { name: 'Sign out' })).toBeVisible()
  // The home page greets the user by the name shown in the header.
  const name = (await account.getByRole('link').first().innerText()).trim()
  expect(name.length).toBeGreaterThan(0)
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name)
  await expect(page.getByRole('heading', { name: 'Your teams' })).toBeVisible()
  await expect(page.locator('h2:has-text("Your teams") + ul li').first()).toBeVisible()
  // The demo practitioner works in the Preston team (internal/demo).
  await expect(page.locator('h2:has-text("Your teams") + ul')).toContainText('Preston')
  await expect(page.getByRole('heading', { name: 'What you can do' })).toBeVisible()
  await expect(page.locator('h2:has-text("What you can do") + ul li').first()).toBeVisible()
  // The NHS.UK frontend script ran (loaded as a module under the strict CSP).
  await expect(page.locator('body')).toHaveClass(/nhsuk-frontend-supported/)

  await signOut(page, audit)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Sign in')
  // The session is gone: the home page asks for sign-in again.
  await page.goto('/')
  await expect(page).toHaveURL(/\/sign-in/)
  await expectAccessible(page, audit)
})

test('a wrong password shows the error summary and the field error', async ({ page, audit }) => {
  await visit(page, audit, '/sign-in')
  await page.locator('#username').fill('practitioner')
  await page.locator('#password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForLoadState('load')
  await expectAccessible(page, audit, 'sign-in with a wrong password')

  await expect(page).toHaveTitle(/^Error:/)
  const summary = page.locator('.nhsuk-error-summary')
  await expect(summary).toBeVisible()
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible()
  // The summary links to a field that shows the same problem beside it.
  const link = summary.locator('a[href^="#"]').first()
  await expect(link).toBeVisible()
  const field = (await link.getAttribute('href')).slice(1)
  expect(['username', 'password']).toContain(field)
  await expect(page.locator(`#${field}-error`)).toBeVisible()
  await expect(page.locator(`#${field}`)).toHaveAttribute('aria-describedby', new RegExp(`${field}-error`))
  // The NHS.UK error summary script moves focus to the summary.
  await expect(summary).toBeFocused()
  // Nothing reveals whether the account exists, and the password is not echoed.
  await expect(page.locator('#password')).toHaveValue('')
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('sign-in and sign-out still work', async ({ page, audit }) => {
    await signIn(page, audit, 'practitioner')
    await expect(page.getByRole('heading', { name: 'What you can do' })).toBeVisible()
    await signOut(page, audit)
  })
})

test('the administrator reaches administration and the code lists', async ({ page, audit }) => {
  await signIn(page, audit, 'administrator')

  const admin = await visit(page, audit, '/admin')
  expect(admin.status()).toBe(200)
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()

  const codes = await visit(page, audit, '/codes')
  expect(codes.status()).toBe(200)
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  // Open the first code list shown.
  const first = page.locator('main a[href^="/codes/"]').first()
  await expect(first).toBeVisible()
  await first.click()
  await page.waitForLoadState('load')
  await expectAccessible(page, audit)
  await expect(page.locator('main table').first()).toBeVisible()

  await signOut(page, audit)
})

test('a practitioner is refused administration with a friendly page', async ({ page, audit }) => {
  await signIn(page, audit, 'practitioner')
  const res = await visit(page, audit, '/admin')
  expect([403, 404]).toContain(res.status())
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
})

test('an unknown page shows the friendly not-found page', async ({ page, audit }) => {
  const res = await visit(page, audit, '/no-such-page')
  expect(res.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
})
