import { writeFileSync } from 'node:fs';

// Prints the run's totals on a line of their own ("N passed, N failed, N skipped"),
// the line CI reads to know how many tests ran, and keeps it in .jest-summary so
// .ci/run can print it again as the very last line, after Jest's own summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites ?? 0);
    const line = `${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped`;
    writeFileSync('.jest-summary', `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}
