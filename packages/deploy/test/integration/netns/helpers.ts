/**
 * Shared set-up for the per-step netns scenarios: skip (with the reason) when namespaces or the
 * backing service are missing, check that the compiled code the services run exists, and start
 * the step's compose file with the runner.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { isAbsolute, join, relative } from 'node:path';
import { requireServiceSync } from '@minidapr/testkit';
import { repoRoot } from '../../../src/repo';
import { leftovers, requireNetnsSync, startTopology, type Topology, type TopologyOptions } from '../../../src/netns';

export const ROOT = repoRoot();

/** The compose profiles of the three quickstart variants, with the suffix of their service names. */
export const VARIANTS: [profile: string, suffix: string][] = [
  ['http', 'http'],
  ['sdk', 'sdk'],
  ['python', 'py'],
];

/** undefined when the scenario can run; else why it is skipped (already printed). */
export function skipReason(step: string, needs: { redis?: boolean; postgres?: boolean } = {}): string | undefined {
  return (
    requireNetnsSync(`netns ${step}`) ??
    (needs.redis ? requireServiceSync('Redis', '127.0.0.1', 6379) : undefined) ??
    (needs.postgres ? requireServiceSync('PostgreSQL', '127.0.0.1', 5432) : undefined)
  );
}

/** Starts compose/<step>/compose.yaml with the given profiles, after checking every dist/ file it runs. */
export async function startStep(step: string, profiles: string[] = [], extra: Partial<TopologyOptions> = {}): Promise<Topology> {
  const topo = await startTopology({ composeFile: join(ROOT, 'compose', step, 'compose.yaml'), repoRoot: ROOT, profiles, ...extra });
  const missing: string[] = [];
  for (const s of topo.plan.services) {
    for (const arg of s.argv.slice(1)) {
      const file = isAbsolute(arg) ? arg : join(s.cwd, arg);
      if (/(^|\/)(dist|bin)\//.test(arg) && !existsSync(file)) missing.push(`${s.name}: ${relative(ROOT, file)} (run \`npm run build\` in ${relative(ROOT, s.cwd)})`);
    }
  }
  if (missing.length) {
    await topo.stop();
    throw new Error(`the compiled code these services run is missing:\n${missing.join('\n')}`);
  }
  return topo;
}

/** One command to the machine's Redis (127.0.0.1:6379); resolves to the raw RESP reply. */
export function redisCommand(...args: string[]): Promise<string> {
  const wire = `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
  return new Promise((resolve, reject) => {
    const s = net.connect(6379, '127.0.0.1', () => s.write(wire));
    s.once('data', (d) => {
      resolve(String(d));
      s.end();
    }).once('error', reject);
  });
}

/**
 * Checks that the trust-root one-shot wrote the root and every sidecar of the run signed its own
 * workload certificate with it and serves the sidecar-to-sidecar port over mTLS.
 */
export function expectMtls(t: Topology): void {
  expect(t.output('trust-root')).toMatch(/Created the mTLS trust root in /);
  const sidecars = t.plan.services.filter((s) => s.name.endsWith('-dapr'));
  expect(sidecars.length).toBeGreaterThan(0);
  for (const s of sidecars) {
    const appId = s.argv[s.argv.indexOf('--app-id') + 1];
    expect(t.output(s.name)).toContain(`mTLS enabled: workload certificate spiffe://public/ns/default/${appId} valid until`);
    expect(t.output(s.name)).toMatch(/sidecar-to-sidecar on 0\.0\.0\.0:50002 \(mTLS\)/);
  }
}

/** Stops the topology and checks it left nothing behind: every process ended, no namespace or link remains. */
export async function expectCleanStop(t: Topology): Promise<void> {
  const network = t.network;
  expect(await t.stop()).toEqual([]);
  expect(leftovers(network.id)).toEqual([]);
}
