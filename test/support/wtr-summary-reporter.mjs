// Writes pass/fail counts of a web-test-runner run to a JSON file, so `npm test` can print one total,
// and the failures by name, so the end of a CI log says which test failed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function count(suite, totals, file, path = []) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped += 1;
    else if (test.passed) totals.passed += 1;
    else {
      totals.failed += 1;
      totals.failures.push({ file, name: [...path, test.name].join(' › '), error: test.error?.message ?? '' });
    }
  }
  for (const child of suite?.suites ?? []) count(child, totals, file, [...path, child.name]);
}

export function summaryReporter(file) {
  return {
    onTestRunFinished({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0, failures: [] };
      for (const session of sessions) {
        count(session.testResults, totals, session.testFile);
        // A file that failed to load has no results but errors: count it as a failure.
        if (!session.passed && (session.errors?.length ?? 0) > 0 && !session.testResults?.tests?.length) {
          totals.failed += 1;
          totals.failures.push({ file: session.testFile, name: '(the file)', error: session.errors[0]?.message ?? '' });
        }
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(totals));
    },
  };
}
