// Prints one plain closing line, "e2e: N passed, N failed, N skipped", that
// CI logs and people can read at a glance after the list reporter's detail.
export default class SummaryReporter {
  constructor() {
    this.counts = { passed: 0, failed: 0, skipped: 0 }
  }

  onTestEnd(test, result) {
    // Only the final attempt of a test counts (retries would double-count).
    if (result.retry < test.retries && result.status !== 'passed' && result.status !== 'skipped') return
    if (result.status === 'skipped') this.counts.skipped++
    else if (result.status === test.expectedStatus) this.counts.passed++
    else this.counts.failed++
  }

  onEnd() {
    const { passed, failed, skipped } = this.counts
    process.stdout.write(`e2e: ${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }

  printsToStdio() {
    return true
  }
}
