// Liaise: start the NHS.UK frontend components (header menu, error summary
// focus, skip link…). Loaded as a module from our own origin, so the strict
// CSP needs no inline script; every page also works without it.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

const AUTOSAVE_DELAY = 20 * 1000
// Save this long before the idle sign-out: the session's last activity may
// be up to a minute before the page was loaded.
const BEFORE_IDLE = 90 * 1000

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
initDrafts()

// Drafts of long forms (internal/server/ui_drafts.go, docs/adr/0005-drafts.md).
// A form holding the draft status line is saved as a draft in the background
// about 20 seconds after a change, when the page is hidden, and just before
// the idle sign-out. The save posts the form to its own address with
// _draft=autosave and the X-Liaise-Background header, so it never counts as
// activity and never keeps an idle session alive (DESIGN.md §10). Without
// JavaScript the form's "Save as draft" button does the same by hand.
function initDrafts () {
  for (const status of document.querySelectorAll('.app-draft-status')) {
    const form = status.closest('form')
    if (form) autosaveDrafts(form, status)
  }
}

function autosaveDrafts (form, status) {
  let dirty = false // changed since the last save
  let stopped = false // the form (or its draft) is being submitted
  let signedOut = false
  let timer = 0
  let inFlight = null // the promise of a save under way

  const say = (text, link) => {
    status.textContent = text
    if (link) {
      const a = document.createElement('a')
      a.href = link
      a.textContent = 'Sign in again'
      status.append(' ', a)
    }
  }

  const save = (keepalive) => {
    clearTimeout(timer)
    timer = 0
    if (!dirty || stopped || inFlight) return
    dirty = false
    const body = new URLSearchParams(new FormData(form))
    body.set('_draft', 'autosave')
    inFlight = fetch(form.action, {
      method: 'POST',
      body,
      credentials: 'same-origin',
      keepalive,
      redirect: 'manual',
      headers: { 'X-Liaise-Background': '1', Accept: 'application/json' }
    }).then(async (resp) => {
      const json = (resp.headers.get('Content-Type') || '').startsWith('application/json') ? await resp.json() : null
      if (resp.ok && json) {
        say(json.message)
      } else if (resp.status === 401 && json) {
        signedOut = !json.kept
        say(json.message, json.sign_in)
      } else {
        dirty = true
        say('Your draft could not be saved just now. Use Save as draft, or save the form.')
      }
    }).catch(() => {
      dirty = true
    }).finally(() => {
      inFlight = null
      if (dirty && !stopped && !signedOut && !timer) timer = setTimeout(() => save(false), AUTOSAVE_DELAY)
    })
  }

  const changed = () => {
    if (stopped || signedOut) return
    dirty = true
    if (!timer) timer = setTimeout(() => save(false), AUTOSAVE_DELAY)
  }
  form.addEventListener('input', changed)
  form.addEventListener('change', changed)

  // Submitting the form, or its draft's Save or Discard, ends autosave: a
  // save still under way finishes first, so it cannot bring back a draft
  // the submission has just deleted.
  document.addEventListener('submit', (event) => {
    const target = event.target
    if (target !== form && target.getAttribute('action') !== form.getAttribute('action')) {
      save(true) // leaving the page another way (signing out): keep what was typed
      return
    }
    stopped = true
    clearTimeout(timer)
    if (inFlight) {
      event.preventDefault()
      const submitter = event.submitter
      inFlight.finally(() => (submitter ? target.requestSubmit(submitter) : target.requestSubmit()))
    }
  })

  // Leaving or hiding the page saves at once (keepalive outlives the page).
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') save(true)
  })
  window.addEventListener('pagehide', () => save(true))

  const idle = Number(status.dataset.idleSeconds) * 1000
  if (idle > 0) setTimeout(() => save(false), Math.max(idle - BEFORE_IDLE, AUTOSAVE_DELAY))
}

// Print buttons (document print pages): the page works without JavaScript
// through the browser's own print command.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
