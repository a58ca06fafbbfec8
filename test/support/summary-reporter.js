// Prints one closing line, "Tests: N passed, N failed, N skipped", after everything Jest prints.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
