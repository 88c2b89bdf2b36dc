// Liaise: start the NHS.UK frontend components. Pages work without this file.
document.addEventListener('DOMContentLoaded', function () {
  if (window.NHSUK && typeof window.NHSUK.initAll === 'function') {
    window.NHSUK.initAll()
  }
})
