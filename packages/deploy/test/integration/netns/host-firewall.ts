/**
 * Docker's host firewall, reproduced inside one network namespace (never in the caller's): the
 * FORWARD policy set to DROP with `iptables` (either backend) or, when only nftables is installed,
 * an `nft` chain that does the same, and br_netfilter's `bridge-nf-call-iptables` set to 1 there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const BRIDGE_NF_CALL_IPTABLES = '/proc/sys/net/bridge/bridge-nf-call-iptables';

export interface NsFirewall {
  tool: 'iptables' | 'nft';
  /** Sets the namespace's FORWARD policy to DROP, as Docker does to the host's. */
  dropForward(ns: string): void;
  /** The namespace's FORWARD policy read back (`DROP`, `ACCEPT`). */
  forwardPolicy(ns: string): string;
  /** Packets the namespace's FORWARD chain has seen so far (all of them dropped). */
  forwardedPackets(ns: string): number;
}

/** Runs argv in network namespace `ns`; returns stdout. */
export function inNamespace(ns: string, argv: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
}

function installed(command: string, versionFlag: string): boolean {
  try {
    execFileSync(command, [versionFlag], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

function match(text: string, pattern: RegExp, what: string): string {
  const m = pattern.exec(text);
  if (!m?.[1]) throw new Error(`cannot read ${what} from:\n${text}`);
  return m[1];
}

const iptables: NsFirewall = {
  tool: 'iptables',
  dropForward: (ns) => void inNamespace(ns, ['iptables', '-P', 'FORWARD', 'DROP']),
  forwardPolicy: (ns) => match(inNamespace(ns, ['iptables', '-S', 'FORWARD']), /^-P FORWARD (\w+)/m, 'the FORWARD policy'),
  forwardedPackets: (ns) => Number(match(inNamespace(ns, ['iptables', '-L', 'FORWARD', '-v', '-n', '-x']), /\(policy \w+ (\d+) packets/, 'the FORWARD policy counter')),
};

const nft: NsFirewall = {
  tool: 'nft',
  dropForward(ns) {
    inNamespace(ns, ['nft', 'add', 'table', 'ip', 'filter']);
    inNamespace(ns, ['nft', 'add', 'chain', 'ip', 'filter', 'FORWARD', '{ type filter hook forward priority 0; policy drop; }']);
    inNamespace(ns, ['nft', 'add', 'rule', 'ip', 'filter', 'FORWARD', 'counter']);
  },
  forwardPolicy: (ns) => match(inNamespace(ns, ['nft', 'list', 'chain', 'ip', 'filter', 'FORWARD']), /policy (\w+);/, 'the FORWARD policy').toUpperCase(),
  forwardedPackets: (ns) => Number(match(inNamespace(ns, ['nft', 'list', 'chain', 'ip', 'filter', 'FORWARD']), /counter packets (\d+)/, 'the FORWARD counter')),
};

/** The firewall tool this machine has (iptables first, as Docker uses it), or undefined. */
export function nsFirewall(): NsFirewall | undefined {
  if (installed('iptables', '-V')) return iptables;
  if (installed('nft', '-v')) return nft;
  return undefined;
}

/** Whether br_netfilter is loaded (or built in): its sysctls exist in the caller's namespace. */
export function brNetfilterLoaded(): boolean {
  return existsSync(BRIDGE_NF_CALL_IPTABLES);
}

/**
 * Sets `bridge-nf-call-iptables=1` in namespace `ns` and reads it back. Since Linux 5.3 the sysctl
 * is per namespace; an older kernel has one global value, visible in the initial namespace only,
 * and then nothing is written (that would change the machine): 'global' is returned instead.
 */
export function callIptablesIn(ns: string): string {
  const script = `f=${BRIDGE_NF_CALL_IPTABLES}; if [ -e "$f" ]; then echo 1 > "$f" && cat "$f"; else echo global; fi`;
  return inNamespace(ns, ['sh', '-c', script]).trim();
}
