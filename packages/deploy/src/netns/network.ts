/**
 * @module netns/network
 * One network namespace per service group, all on a private /24 with no default route: traffic
 * goes only to the created addresses and loopback. Names carry a random run id, so parallel runs
 * never clash, and remove() undoes everything (also on process exit, if a caller forgot).
 *
 * The bridge joining the groups lives in a "switch" namespace of its own, not in the root
 * namespace: each group's veth pair ends on it there, and one more pair (the uplink) gives the
 * root namespace the subnet's .1 address, where the forwarders listen and from which tests reach
 * the groups. Frames between two groups are then bridged inside the switch namespace only. Why:
 * with br_netfilter loaded (`net.bridge.bridge-nf-call-iptables=1`, as Docker sets it) bridged
 * IPv4 goes through the iptables FORWARD chain of the bridge's own namespace, and Docker sets the
 * root namespace's FORWARD policy to DROP; a bridge in the root namespace would see every
 * group-to-group packet dropped. The switch namespace's netfilter state is always pristine (no
 * tables, nothing drops), so this holds on any host firewall (iptables-legacy, iptables-nft,
 * nftables, firewalld, ufw) and on old kernels whose br_netfilter sysctl is global, without
 * touching a single host rule or sysctl: nothing to insert, nothing to forget to remove after a
 * crash. The root namespace only sees traffic to and from its own uplink address (INPUT/OUTPUT).
 */
import { randomBytes } from 'node:crypto';
import { inNs, ip, ipQuiet, usedIpv4Prefixes } from './ip';
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
  /** The bridge, inside the switch namespace. */
  bridge: string;
  /** The namespace that holds the bridge and nothing else. */
  switchNs: string;
  /** The root namespace's end of the uplink veth pair; it has the subnet's .1 address. */
  uplink: string;
  /** The namespace that plays the root namespace's part (undefined: the caller's own). */
  root?: string;
  subnet: Subnet;
  groups: NetnsGroup[];
  group(name: string): NetnsGroup;
  /** Writes the same hosts file (name → address) into every namespace. */
  writeHosts(names: ReadonlyMap<string, string>): void;
  /** Deletes namespaces, the uplink and /etc/netns dirs; returns what failed (normally nothing). */
  remove(): string[];
}

export interface NetworkOptions {
  /** The run id in every name created (default: random). */
  id?: string;
  subnet?: Subnet;
  /**
   * A named network namespace (`ip netns add`) to use as the root namespace: the uplink and the
   * subnet's .1 address go there, so whatever should be reachable on .1 must listen in it. Default:
   * the calling process's namespace. Tests use it to put the network under a stand-in host.
   */
  root?: string;
}

const live = new Set<Network>();
let exitHook = false;

function hookExit(): void {
  if (exitHook) return;
  exitHook = true;
  // A caller that never stopped its run: kill what runs in the namespaces, then delete them.
  process.once('exit', () => {
    for (const n of [...live]) {
      removeRun(n.id, n.root);
      forgetRun(n.id);
    }
  });
}

/** A namespace name safe for `ip netns` and the file system, from a compose service name. */
function nsName(id: string, group: string, index: number): string {
  return `minidapr-${id}-${index}-${group.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}`;
}

export function createNetwork(groupNames: string[], opts: NetworkOptions = {}): Network {
  if (groupNames.length > 250) throw new Error('at most 250 service groups per network');
  sweepDeadRuns();
  const { root } = opts;
  const id = opts.id ?? randomBytes(3).toString('hex').slice(0, 5);
  const bridge = `mdbr${id}`;
  const switchNs = `minidapr-${id}-switch`;
  const uplink = `mdv${id}u`;
  const subnet = opts.subnet ?? pickSubnet(usedIpv4Prefixes(root));
  const groups: NetnsGroup[] = groupNames.map((name, i) => ({ name, ns: nsName(id, name, i), ip: subnet.hostIp(i) }));
  const created = { uplink: false, ns: [] as string[] };
  const inSwitch = (args: string[]) => ip(inNs(switchNs, args));

  const network: Network = {
    id,
    bridge,
    switchNs,
    uplink,
    root,
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
        present = new Set(leftovers(id, root));
      } catch (err) {
        errors.push((err as Error).message);
        present = new Set([uplink, ...created.ns]); // cannot tell: try everything
      }
      // The uplink is the one link outside the run's namespaces; deleting one end of a veth pair
      // deletes both at once. The group veths go with their namespaces.
      if (created.uplink && present.has(uplink)) ipQuiet(inNs(root, ['link', 'delete', uplink]), errors);
      created.uplink = false;
      for (const ns of created.ns.splice(0)) {
        if (present.has(ns)) ipQuiet(['netns', 'delete', ns], errors);
        try {
          removeNetnsEtc(ns);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
      live.delete(network);
      forgetRun(id);
      return errors;
    },
  };

  live.add(network);
  hookExit();
  recordRun(id, root);
  try {
    ip(['netns', 'add', switchNs]);
    created.ns.push(switchNs);
    inSwitch(['link', 'add', bridge, 'type', 'bridge']);
    inSwitch(['link', 'set', bridge, 'up']);
    ip(inNs(root, ['link', 'add', uplink, 'type', 'veth', 'peer', 'name', `mdv${id}s`, 'netns', switchNs]));
    created.uplink = true;
    inSwitch(['link', 'set', `mdv${id}s`, 'master', bridge, 'up']);
    ip(inNs(root, ['addr', 'add', `${subnet.bridgeIp}/24`, 'dev', uplink]));
    ip(inNs(root, ['link', 'set', uplink, 'up']));
    groups.forEach((g, i) => {
      const port = `mdv${id}h${i}`;
      const peer = `mdv${id}p${i}`;
      ip(['netns', 'add', g.ns]);
      created.ns.push(g.ns);
      inSwitch(['link', 'add', port, 'type', 'veth', 'peer', 'name', peer, 'netns', g.ns]);
      inSwitch(['link', 'set', port, 'master', bridge, 'up']);
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
