/**
 * @module netns/support
 * Whether this machine can run the netns runner: root, an `ip` command, and a namespace that
 * can really be created. Tests skip with the reason when it cannot; under CI=true a machine
 * that has `ip` and root but still cannot create a namespace is a failure, not a skip.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ip } from './ip';

export interface NetnsSupport {
  ok: boolean;
  /** Why not, when !ok. */
  reason?: string;
  /** True when root and `ip` are there but creating a namespace (or a bridge or veth) failed anyway. */
  broken?: boolean;
}

export function netnsSupport(): NetnsSupport {
  if (process.platform !== 'linux') return { ok: false, reason: `network namespaces need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'network namespaces need root (ip netns add); run the tests as root or in a privileged container' };
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore', timeout: 5000 });
  } catch {
    return { ok: false, reason: 'the `ip` command (iproute2) is not installed' };
  }
  // Everything the runner creates, created inside the probe namespace: deleting it removes the lot.
  const probe = `minidapr-probe-${randomBytes(4).toString('hex')}`;
  try {
    ip(['netns', 'add', probe]);
    ip(['-n', probe, 'link', 'add', 'mdprobebr', 'type', 'bridge']);
    ip(['-n', probe, 'link', 'add', 'mdprobev0', 'type', 'veth', 'peer', 'name', 'mdprobev1']);
    return { ok: true };
  } catch (err) {
    return { ok: false, broken: true, reason: `cannot create a network namespace, a bridge and a veth pair: ${(err as Error).message}` };
  } finally {
    try {
      ip(['netns', 'delete', probe]);
    } catch {
      /* was not created */
    }
  }
}

/**
 * For test files: undefined when namespaces work; otherwise prints a SKIPPED line and returns the
 * reason. Throws under CI=true when root and `ip` are present but namespaces still fail.
 */
export function requireNetnsSync(what = 'netns topology tests'): string | undefined {
  const s = netnsSupport();
  if (s.ok) return undefined;
  if (s.broken && process.env.CI === 'true') throw new Error(`${s.reason} (CI=true: running as root with ip, so this is a failure, not a skip)`);
  process.stdout.write(`SKIPPED: ${what}: ${s.reason}\n`);
  return s.reason;
}
