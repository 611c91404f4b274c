// The original dapr/quickstarts JavaScript READMEs, unchanged, against minidapr (opt-in): set
// MINIDAPR_UPSTREAM_QUICKSTARTS to a dapr/quickstarts checkout, build the CLI
// (npx turbo run build --filter=@minidapr/cli --filter=@minidapr/testkit), then run
// npx jest --selectProjects integration test/integration/upstream-quickstarts.test.ts
// Without the variable the test is skipped with a message (CI has no checkout: it is not on the npm registry).
import { CHECKOUT_ENV } from '../../src/upstream/cli';
import { runUpstreamQuickstarts } from '../../src/upstream/harness';
import { Capture } from '../readme-fixtures';

const checkout = process.env[CHECKOUT_ENV];
if (!checkout) process.stdout.write(`SKIPPED: ${CHECKOUT_ENV} is not set; the original dapr/quickstarts READMEs are not run (opt-in)\n`);
const optIn = checkout ? it : it.skip;

optIn('every original JavaScript quickstart README passes against minidapr', async () => {
  const out = new Capture();
  const outcomes = await runUpstreamQuickstarts({ checkout: checkout ?? '', out, killGraceSeconds: 10 });
  const table = out.text.slice(out.text.lastIndexOf('\n==== original dapr/quickstarts'));
  process.stdout.write(table);
  // The whole run-readme output of each failing README is in the message, so the failing step is visible.
  const failed = outcomes.filter((o) => o.status !== 'PASS');
  expect({ failed: failed.map((o) => `${o.status} ${o.entry.id}${o.note ? ` (${o.note})` : ''}`), output: failed.length > 0 ? out.text : '' }).toEqual({ failed: [], output: '' });
}, 60 * 60_000);
