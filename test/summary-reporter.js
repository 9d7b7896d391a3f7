// Prints the run's totals on a line of their own ("N passed, N failed"),
// which is the line CI reads to know how many tests ran.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const suitesFailed = results.numFailedTestSuites;
    process.stdout.write(
      `\n${results.numPassedTests} passed, ${results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0)} failed, ${skipped} skipped\n` +
        (suitesFailed ? `(${suitesFailed} test suites failed)\n` : ''),
    );
  }
}
