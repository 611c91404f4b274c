/**
 * @module netns/network
 * One network namespace per service group, each joined to a bridge in the root namespace by a
 * veth pair, all on a private /24 with no default route: traffic goes only to the created
 * addresses and loopback. Names carry a random run id, so parallel runs never clash, and
 * remove() undoes everything (also on process exit, if a caller forgot).
 */
import { randomBytes } from 'node:crypto';
import { ip, ipQuiet, usedIpv4Prefixes } from './ip';
import { hostsText, removeNetnsEtc, writeNetnsHosts } from './hosts';
import { forgetRun, leftovers, recordRun, removeRun, sweepDeadRuns } from './runs';
import { pickSubnet, type Subnet } from './subnet';

export interface NetnsGroup {
  /** The group's name: its main compose service. */
  name: string;
  /** The network namespace (`ip netns` name). */
  ns: string;
  /** Its address on the bridge. */
  ip: string;
}

export interface Network {
  id: string;
  bridge: string;
  subnet: Subnet;
  groups: NetnsGroup[];
  group(name: string): NetnsGroup;
  /** Writes the same hosts file (name → address) into every namespace. */
  writeHosts(names: ReadonlyMap<string, string>): void;
  /** Deletes namespaces, veths, bridge and /etc/netns dirs; returns what failed (normally nothing). */
  remove(): string[];
}

const live = new Set<Network>();
let exitHook = false;

function hookExit(): void {
  if (exitHook) return;
  exitHook = true;
  // A caller that never stopped its run: kill what runs in the namespaces, then delete them.
  process.once('exit', () => {
    for (const n of [...live]) {
      removeRun(n.id);
      forgetRun(n.id);
    }
  });
}

/** A namespace name safe for `ip netns` and the file system, from a compose service name. */
function nsName(id: string, group: string, index: number): string {
  return `minidapr-${id}-${index}-${group.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}`;
}

export function createNetwork(groupNames: string[], opts: { id?: string; subnet?: Subnet } = {}): Network {
  if (groupNames.length > 250) throw new Error('at most 250 service groups per network');
  sweepDeadRuns();
  const id = opts.id ?? randomBytes(3).toString('hex').slice(0, 5);
  const bridge = `mdbr${id}`;
  const subnet = opts.subnet ?? pickSubnet(usedIpv4Prefixes());
  const groups: NetnsGroup[] = groupNames.map((name, i) => ({ name, ns: nsName(id, name, i), ip: subnet.hostIp(i) }));
  const created = { bridge: false, ns: [] as string[], veths: [] as string[] };

  const network: Network = {
    id,
    bridge,
    subnet,
    groups,
    group(name) {
      const g = groups.find((x) => x.name === name);
      if (!g) throw new Error(`no network namespace for service group "${name}"`);
      return g;
    },
    writeHosts(names) {
      const text = hostsText(names);
      for (const g of groups) writeNetnsHosts(g.ns, text);
    },
    remove() {
      const errors: string[] = [];
      // Only what still exists (a sweep by another run may have removed it already).
      let present: Set<string>;
      try {
        present = new Set(leftovers(id));
      } catch (err) {
        errors.push((err as Error).message);
        present = new Set([...created.veths, ...created.ns, bridge]); // cannot tell: try everything
      }
      // Deleting one end of a veth pair deletes both, at once (a namespace's own links go only when
      // the kernel gets round to freeing it, which is not before `ip netns delete` returns).
      for (const veth of created.veths.splice(0)) if (present.has(veth)) ipQuiet(['link', 'delete', veth], errors);
      for (const ns of created.ns.splice(0)) {
        if (present.has(ns)) ipQuiet(['netns', 'delete', ns], errors);
        try {
          removeNetnsEtc(ns);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
      if (created.bridge && present.has(bridge)) ipQuiet(['link', 'delete', bridge, 'type', 'bridge'], errors);
      created.bridge = false;
      live.delete(network);
      forgetRun(id);
      return errors;
    },
  };

  live.add(network);
  hookExit();
  recordRun(id);
  try {
    ip(['link', 'add', bridge, 'type', 'bridge']);
    created.bridge = true;
    ip(['addr', 'add', `${subnet.bridgeIp}/24`, 'dev', bridge]);
    ip(['link', 'set', bridge, 'up']);
    groups.forEach((g, i) => {
      const host = `mdv${id}h${i}`;
      const peer = `mdv${id}p${i}`;
      ip(['netns', 'add', g.ns]);
      created.ns.push(g.ns);
      ip(['link', 'add', host, 'type', 'veth', 'peer', 'name', peer, 'netns', g.ns]);
      created.veths.push(host);
      ip(['link', 'set', host, 'master', bridge, 'up']);
      ip(['-n', g.ns, 'link', 'set', 'lo', 'up']);
      ip(['-n', g.ns, 'link', 'set', peer, 'name', 'eth0']);
      ip(['-n', g.ns, 'addr', 'add', `${g.ip}/24`, 'dev', 'eth0']);
      ip(['-n', g.ns, 'link', 'set', 'eth0', 'up']);
    });
  } catch (err) {
    network.remove();
    throw err;
  }
  return network;
}

