/**
 * @module services-sync
 * requireService for code that registers tests: jest collects `it`s synchronously, so a suite that
 * must be skipped when its backing service is missing has to know before any hook runs. This runs
 * requireService (same message, same CI=true failure) in a child process and waits for it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const CHILD = `
const tk = require(process.env.MINIDAPR_SERVICE_TESTKIT);
const s = JSON.parse(process.env.MINIDAPR_SERVICE);
tk.requireService(s.name, s.host, s.port).then(
  (ok) => process.stdout.write(JSON.stringify({ ok })),
  (err) => { process.stderr.write(String(err && err.message || err)); process.exit(1); },
);
`;

function testkitEntry(): string {
  const built = join(__dirname, 'index.js');
  return existsSync(built) ? built : require.resolve('@minidapr/testkit');
}

/**
 * Undefined when the service answers; otherwise the reason to skip (after printing the SKIPPED line).
 * Throws under CI=true, where a missing service is a failure.
 */
export function requireServiceSync(name: string, host: string, port: number): string | undefined {
  let out: string;
  try {
    out = execFileSync(process.execPath, ['-e', CHILD], {
      env: { ...process.env, MINIDAPR_SERVICE_TESTKIT: testkitEntry(), MINIDAPR_SERVICE: JSON.stringify({ name, host, port }) },
      timeout: 15000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(e.stderr || e.message);
  }
  const json = out.slice(out.lastIndexOf('{'));
  if ((JSON.parse(json) as { ok: boolean }).ok) return undefined;
  process.stdout.write(out.slice(0, out.lastIndexOf('{')));
  return `${name} is not reachable at ${host}:${port}`;
}
