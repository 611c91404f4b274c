'use strict';
// A jest reporter that appends this run's counts to $MINIDAPR_TEST_TOTALS (see src/totals.ts), so
// .ci/run can close with one `N passed, N failed` line for the whole suite.
const { appendFileSync } = require('node:fs');

class TotalsReporter {
  onRunComplete(_contexts, results) {
    const file = process.env.MINIDAPR_TEST_TOTALS;
    if (!file) return;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    appendFileSync(file, `${results.numPassedTests} ${failed} ${results.numPendingTests} jest ${process.cwd()}\n`);
  }
}
module.exports = TotalsReporter;
