// Liaise: start the NHS.UK frontend components (header menu, error summary
// focus, skip link…). Loaded as a module from our own origin, so the strict
// CSP needs no inline script; every page also works without it.
import { initAll } from './nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()

// Print buttons (document print pages): the page works without JavaScript
// through the browser's own print command.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false
  button.addEventListener('click', () => window.print())
}
