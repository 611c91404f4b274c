/**
 * @module netns/hosts
 * The hosts file each namespace sees: `ip netns exec <ns>` bind-mounts every file of
 * /etc/netns/<ns>/ over the same name in /etc, so /etc/netns/<ns>/hosts is that namespace's
 * /etc/hosts. Compose service names resolve through it like Docker's embedded DNS would.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where iproute2 looks for per-namespace configuration files. */
export const NETNS_ETC = '/etc/netns';

/** hosts(5) text: loopback names first, then one line per address with all its names. */
export function hostsText(names: ReadonlyMap<string, string>): string {
  const byIp = new Map<string, string[]>();
  for (const [name, addr] of names) byIp.set(addr, [...(byIp.get(addr) ?? []), name]);
  const lines = ['# written by the minidapr netns runner; removed with the namespace', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const [addr, list] of byIp) lines.push(`${addr}\t${list.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

export function writeNetnsHosts(ns: string, text: string, etc = NETNS_ETC): void {
  const dir = join(etc, ns);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hosts'), text);
}

export function removeNetnsEtc(ns: string, etc = NETNS_ETC): void {
  rmSync(join(etc, ns), { recursive: true, force: true });
}
