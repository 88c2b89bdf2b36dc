// The checks every journey relies on must be able to fail: these tests break
// a page on purpose and expect the fixtures to notice.
import { test, expect, visit, expectAccessible } from './fixtures.mjs'

test('an inline script is refused by the CSP and the refusal is caught', async ({ page, audit }) => {
  await visit(page, audit, '/no-such-page')
  await page.evaluate(() => {
    const s = document.createElement('script')
    s.textContent = 'window.__inlineRan = true'
    document.body.append(s)
  })
  await expect.poll(() => audit.errors.join('\n')).toMatch(/Content Security Policy/)
  expect(await page.evaluate(() => window.__inlineRan)).toBeUndefined()
  audit.errors.length = 0 // expected here; any other test fails on it
})

test('a JavaScript error is caught', async ({ page, audit }) => {
  await visit(page, audit, '/no-such-page')
  await page.evaluate(() => setTimeout(() => { throw new Error('deliberate') }, 0))
  await expect.poll(() => audit.errors.join('\n')).toMatch(/deliberate/)
  audit.errors.length = 0
})

test('an accessibility violation is caught by axe', async ({ page, audit }) => {
  await visit(page, audit, '/no-such-page')
  await page.evaluate(() => {
    const input = document.createElement('input') // no label
    input.type = 'text'
    document.querySelector('main').append(input)
  })
  await expect(expectAccessible(page, audit)).rejects.toThrow(/label/)
})
