/**
 * @module conformance/probe
 * Jest registers tests synchronously, but a store's claimed features live in the sidecar's
 * `GET /v1.0/metadata` (`components[].capabilities`). probeStateStoreSync starts a throw-away
 * sidecar with the same resources in a child process, reads the capabilities and stops it, so a
 * conformance file gates its cases on exactly what the store claims (claims and tests cannot drift).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface ProbeOptions {
  appId: string;
  storeName: string;
  /** Component files, as for startSidecar. */
  resources: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  /** Backing services the store needs: a missing one skips the suite (fails under CI=true, see requireService). */
  services?: Array<{ name: string; host: string; port: number }>;
  timeoutMs?: number;
}

export type ProbeResult = { features: string[] } | { skip: string };

const CHILD = `
const tk = require(process.env.MINIDAPR_PROBE_TESTKIT);
const o = JSON.parse(process.env.MINIDAPR_PROBE);
(async () => {
  for (const s of o.services || []) {
    if (!(await tk.serviceAvailable(s.host, s.port))) {
      process.stdout.write(JSON.stringify({ skip: s.name + ' is not reachable at ' + s.host + ':' + s.port }));
      return;
    }
  }
  const sc = await tk.startSidecar({ appId: o.appId, resources: o.resources, env: o.env });
  try {
    const meta = await (await fetch(sc.url + '/v1.0/metadata')).json();
    const c = (meta.components || []).find((x) => x.name === o.storeName);
    if (!c) throw new Error('component ' + o.storeName + ' is not in /v1.0/metadata: ' + JSON.stringify(meta.components));
    process.stdout.write(JSON.stringify({ features: c.capabilities || [] }));
  } finally {
    await sc.stop();
    await tk.stopAll();
  }
})().catch((err) => {
  process.stderr.write(String((err && err.stack) || err));
  process.exit(1);
});
`;

function testkitEntry(): string {
  const built = join(__dirname, '..', 'index.js');
  return existsSync(built) ? built : require.resolve('@minidapr/testkit');
}

/** Synchronously reads the store's capabilities from a sidecar's metadata (or why the suite must skip). */
export function probeStateStoreSync(o: ProbeOptions): ProbeResult {
  let out: string;
  try {
    out = execFileSync(process.execPath, ['-e', CHILD], {
      env: {
        ...process.env,
        MINIDAPR_PROBE_TESTKIT: testkitEntry(),
        MINIDAPR_PROBE: JSON.stringify({ appId: o.appId, storeName: o.storeName, resources: o.resources, env: o.env, services: o.services }),
      },
      timeout: o.timeoutMs ?? 30000,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`probing state store ${o.storeName} failed: ${e.stderr || e.message}`);
  }
  const result = JSON.parse(out) as ProbeResult;
  if ('skip' in result) {
    if (process.env.CI === 'true') throw new Error(`${result.skip} (CI=true: a missing service is a failure, not a skip)`);
    process.stdout.write(`SKIPPED: ${result.skip}; the ${o.storeName} conformance cases are skipped\n`);
  }
  return result;
}
