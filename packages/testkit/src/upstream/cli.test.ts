import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Capture } from '../../test/readme-fixtures';
import { tempDir, type TempDir } from '../tmp';
import { CHECKOUT_ENV, HELP, runHarnessCli } from './cli';

let dir: TempDir;
let savedTotals: string | undefined;
beforeEach(() => {
  dir = tempDir('upstream-cli-');
  savedTotals = process.env.MINIDAPR_TEST_TOTALS;
  process.env.MINIDAPR_TEST_TOTALS = join(dir.path, 'totals');
});
afterEach(() => {
  if (savedTotals === undefined) delete process.env.MINIDAPR_TEST_TOTALS;
  else process.env.MINIDAPR_TEST_TOTALS = savedTotals;
  dir.remove();
});

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  const out = new Capture();
  const code = await runHarnessCli(argv, out, env);
  return { code, out: out.text };
}

describe('run-upstream-quickstarts', () => {
  it(`without ${CHECKOUT_ENV}: says it skips, exits 0 and records the READMEs as skipped`, async () => {
    const r = await cli([]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`SKIPPED: ${CHECKOUT_ENV} is not set, so the original dapr/quickstarts READMEs are not run (opt-in; point it at a dapr/quickstarts checkout)\n`);
    expect(readFileSync(join(dir.path, 'totals'), 'utf8')).toBe('0 0 12 run-upstream-quickstarts\n');
    await cli(['--only', 'pub_sub']);
    expect(readFileSync(join(dir.path, 'totals'), 'utf8')).toMatch(/\n0 0 2 run-upstream-quickstarts\n$/);
  });

  it('usage errors exit 2: a checkout that is not a directory, an unknown README, an unknown option', async () => {
    expect(await cli([], { [CHECKOUT_ENV]: join(dir.path, 'nope') })).toEqual({ code: 2, out: `run-upstream-quickstarts: ${CHECKOUT_ENV}=${join(dir.path, 'nope')} is not a directory\n` });
    expect((await cli(['--only', 'actors'])).out).toMatch(/--only actors: no such README/);
    expect((await cli(['--frobnicate'])).code).toBe(2);
    expect((await cli(['--kill-grace-seconds', 'x'])).code).toBe(2);
  });

  it('--help explains the docker substitution and the env var; --list names the READMEs', async () => {
    expect((await cli(['--help'])).out).toBe(HELP);
    expect(HELP).toContain("'docker compose up -d' of the bindings PostgreSQL database and 'docker exec postgres psql'");
    expect(HELP).toContain("'docker stop|start dapr_redis'");
    const list = await cli(['--list']);
    expect(list.out.split('\n')[0]).toBe('service_invocation/javascript/http  (service_invocation/javascript/http/README.md)');
  });
});
