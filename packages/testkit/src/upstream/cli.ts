/**
 * @module upstream/cli
 * `run-upstream-quickstarts`: the opt-in check that the original dapr/quickstarts JavaScript
 * READMEs pass, unchanged, against minidapr. The checkout comes from MINIDAPR_UPSTREAM_QUICKSTARTS;
 * without it the command says so and skips (exit 0). Exit 1 when a README did not pass, 2 on usage errors.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Writer } from '../readme/options';
import { serviceAvailable } from '../services';
import { recordTotals } from '../totals';
import { outcomeTotals, runUpstreamQuickstarts } from './harness';
import { selectReadmes, UPSTREAM_READMES } from './quickstarts';

export const CHECKOUT_ENV = 'MINIDAPR_UPSTREAM_QUICKSTARTS';
const LABEL = 'run-upstream-quickstarts';

export const HELP = `Usage: ${CHECKOUT_ENV}=<dapr/quickstarts checkout> run-upstream-quickstarts [options]

Runs the original dapr/quickstarts JavaScript READMEs unchanged against minidapr, each in a
temporary copy with its own MINIDAPR_HOME (after 'minidapr init'), 'dapr' forwarding to this
workspace's minidapr CLI and a 'docker' shim that provides only what the READMEs need from
Docker: 'docker compose up -d' of the bindings PostgreSQL database and 'docker exec postgres psql'
using the local PostgreSQL (127.0.0.1:5432, trust auth), and 'docker stop|start dapr_redis' for
the service-to-component resiliency tutorial, which gets a redis-server of its own on a free port
(its state store is pointed there; the shared Redis is never stopped). Redis must run on
127.0.0.1:6379 for the other READMEs.
Each README runs as its Makefile runs mechanical-markdown: 'run-readme -l -s "bash -c" README.md'
in the README's folder. A tutorial without STEP annotations (resiliency) runs through a recipe
of its own commands instead (packages/testkit/upstream-recipes; every line checked to be a line of
the tutorial). Ends with a PASS/FAIL table. Without ${CHECKOUT_ENV} it skips.

Options:
  -o, --only ID       run only this README (or every README under a prefix such as pub_sub);
                      repeatable
  -k, --keep          keep each temporary copy (quickstart, home, shims) for inspection
  -v, --verbose       pass -v to run-readme (live output prefixed with the step name)
      --kill-grace-seconds N   passed to run-readme (default 10)
      --list          print the README ids and exit
  -h, --help          show this help

READMEs: ${UPSTREAM_READMES.map((r) => r.id).join(', ')}
`;

/** The checks worth printing before a long run: what the READMEs need besides minidapr. */
async function prerequisites(out: Writer): Promise<void> {
  const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  const lines = [
    [`Redis 127.0.0.1:6379 (pub_sub, state_management components)`, await serviceAvailable('127.0.0.1', 6379)],
    [`PostgreSQL 127.0.0.1:5432 (bindings)`, await serviceAvailable('127.0.0.1', 5432)],
    ['psql (docker shim for bindings)', has('psql')],
    ['redis-server (the service-to-component resiliency tutorial gets one of its own as dapr_redis)', has('redis-server')],
    ['npm (the READMEs run npm install)', has('npm')],
    ['python3 with requests (hello-world python app)', spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0],
  ] as const;
  for (const [what, ok] of lines) out.write(`${ok ? 'ok     ' : 'MISSING'}  ${what}\n`);
}

export async function runHarnessCli(argv: readonly string[], out: Writer = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        only: { type: 'string', short: 'o', multiple: true },
        keep: { type: 'boolean', short: 'k' },
        verbose: { type: 'boolean', short: 'v' },
        'kill-grace-seconds': { type: 'string' },
        list: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    out.write(`run-upstream-quickstarts: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    out.write(HELP);
    return 0;
  }
  if (values.list) {
    out.write(`${UPSTREAM_READMES.map((r) => `${r.id}  (${r.readme})`).join('\n')}\n`);
    return 0;
  }
  const grace = values['kill-grace-seconds'] === undefined ? 10 : Number(values['kill-grace-seconds']);
  if (!Number.isFinite(grace) || grace < 0) {
    out.write(`run-upstream-quickstarts: --kill-grace-seconds must be a number >= 0\n`);
    return 2;
  }
  let selected;
  try {
    selected = selectReadmes(values.only ?? []);
  } catch (err) {
    out.write(`run-upstream-quickstarts: ${(err as Error).message}\n`);
    return 2;
  }
  const checkoutEnv = env[CHECKOUT_ENV];
  if (!checkoutEnv) {
    out.write(`SKIPPED: ${CHECKOUT_ENV} is not set, so the original dapr/quickstarts READMEs are not run (opt-in; point it at a dapr/quickstarts checkout)\n`);
    recordTotals(0, 0, selected.length, LABEL);
    return 0;
  }
  const checkout = resolve(checkoutEnv);
  if (!existsSync(checkout) || !statSync(checkout).isDirectory()) {
    out.write(`run-upstream-quickstarts: ${CHECKOUT_ENV}=${checkoutEnv} is not a directory\n`);
    return 2;
  }
  await prerequisites(out);

  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const outcomes = await runUpstreamQuickstarts({
      checkout,
      only: values.only ?? [],
      keep: values.keep === true,
      verbose: values.verbose === true,
      killGraceSeconds: grace,
      out,
      signal: controller.signal,
    });
    const t = outcomeTotals(outcomes);
    recordTotals(t.passed, t.failed, t.skipped, LABEL);
    if (controller.signal.aborted) return 130;
    return t.failed === 0 ? 0 : 1;
  } catch (err) {
    out.write(`run-upstream-quickstarts: ${(err as Error).message}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Entry point of bin/run-upstream-quickstarts.js. */
export function main(argv: string[]): void {
  runHarnessCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`run-upstream-quickstarts: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
