/**
 * Issue 11: the netns runner on a Docker host. Docker sets the iptables FORWARD policy to DROP,
 * and with br_netfilter (`bridge-nf-call-iptables=1`) bridged IPv4 goes through the FORWARD chain
 * of the bridge's namespace, so a bridge in the root namespace dropped every packet between two
 * service groups. The condition is built in a stand-in host namespace, not on the machine: FORWARD
 * DROP read back there, bridge-nf-call-iptables=1 there. A bridge in that namespace (the old
 * layout) drops traffic between two namespaces, which proves the condition bites; a network created
 * with that namespace as its root carries it, and the host's FORWARD chain counts none of it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnProcess, type Spawned } from '@minidapr/testkit';
import { createNetwork, leftovers, requireNetnsSync, type Network } from '../../../src/netns';
import { forgetRun, recordRun, removeRun } from '../../../src/netns/runs';
import { BRIDGE_NF_CALL_IPTABLES, brNetfilterLoaded, callIptablesIn, inNamespace, nsFirewall } from './host-firewall';

jest.setTimeout(60000);

const firewall = nsFirewall();

/** Why the test cannot run here (printed), or undefined; under CI=true a missing tool or module is a failure. */
function skipReason(): string | undefined {
  const netns = requireNetnsSync('netns on a Docker host');
  if (netns) return netns;
  const why = !firewall
    ? 'neither iptables nor nft is installed (apt-get install iptables)'
    : // Loading it is not the test's to do: every bridge of the machine would send its traffic through iptables from then on.
      !brNetfilterLoaded()
      ? 'br_netfilter is not loaded, so bridged traffic never meets iptables on this machine (Docker loads it: modprobe br_netfilter)'
      : undefined;
  if (!why) return undefined;
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the Docker host condition must be reproduced, not skipped)`);
  process.stdout.write(`SKIPPED: netns on a Docker host: ${why}\n`);
  return why;
}
const missing = skipReason();
const maybe = missing ? it.skip : it;

/** Answers each connection with its name, then closes it. */
const SERVER = `
const [host, port, name] = process.argv.slice(1);
require('node:net').createServer((c) => c.end(name)).listen(Number(port), host, () => console.log('listening'));
`;
/** Prints the server's answer, or why there was none within the time limit. */
const CLIENT = `
const [host, port, ms] = process.argv.slice(1);
const s = require('node:net').connect(Number(port), host);
s.setTimeout(Number(ms), () => { console.log('no answer'); process.exit(0); });
s.on('data', (d) => { console.log('answer ' + d); process.exit(0); }).on('error', (e) => { console.log('error ' + e.code); process.exit(0); });
`;
const PORT = '7070'; // every namespace here is fresh: nothing else listens in it

const runId = `dh${randomBytes(2).toString('hex').slice(0, 3)}`;
/** The stand-in host; named under a run id of the test's own, so a crashed run is swept like any other. */
const HOST = `minidapr-${runId}-host`;
const servers: Spawned[] = [];
let network: Network | undefined;

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop('SIGKILL', 1000)));
  network?.remove();
  if (!missing) removeRun(runId);
  forgetRun(runId);
});

async function serve(ns: string, host: string, name: string): Promise<void> {
  const s = spawnProcess('ip', ['netns', 'exec', ns, process.execPath, '-e', SERVER, host, PORT, name]);
  servers.push(s);
  await s.waitForOutput('listening');
}

/** Connects from namespace `ns`; `limitMs` bounds the wait for an answer that must not come, too. */
const connect = (ns: string, host: string, limitMs: number): string => inNamespace(ns, [process.execPath, '-e', CLIENT, host, PORT, String(limitMs)]).trim();

maybe('a FORWARD DROP host with br_netfilter drops a root-namespace bridge, not the runner network', async () => {
  const fw = firewall as NonNullable<typeof firewall>;
  const rootCallIptables = readFileSync(BRIDGE_NF_CALL_IPTABLES, 'utf8');
  recordRun(runId);
  execFileSync('ip', ['netns', 'add', HOST]);
  execFileSync('ip', ['-n', HOST, 'link', 'set', 'lo', 'up']);

  // The condition, read back: FORWARD policy DROP; bridge-nf-call-iptables=1 (or the machine's global value).
  fw.dropForward(HOST);
  expect(fw.forwardPolicy(HOST)).toBe('DROP');
  const callIptables = callIptablesIn(HOST);
  expect(callIptables === 'global' ? rootCallIptables.trim() : callIptables).toBe('1');
  expect(readFileSync(BRIDGE_NF_CALL_IPTABLES, 'utf8')).toBe(rootCallIptables); // the machine's own is untouched

  // The old layout: the bridge in the host's namespace, a veth pair to each of two namespaces.
  const oldNs = [`minidapr-${runId}-old0`, `minidapr-${runId}-old1`];
  execFileSync('ip', ['-n', HOST, 'link', 'add', 'oldbr', 'type', 'bridge']);
  execFileSync('ip', ['-n', HOST, 'link', 'set', 'oldbr', 'up']);
  oldNs.forEach((ns, i) => {
    execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    execFileSync('ip', ['-n', HOST, 'link', 'add', `old${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    execFileSync('ip', ['-n', HOST, 'link', 'set', `old${i}`, 'master', 'oldbr', 'up']);
    execFileSync('ip', ['-n', ns, 'addr', 'add', `192.0.2.${i + 2}/24`, 'dev', 'eth0']);
    execFileSync('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  });
  await serve(oldNs[1] as string, '0.0.0.0', 'old1');
  expect(connect(oldNs[1] as string, '127.0.0.1', 5000)).toBe('answer old1'); // the server is up
  expect(connect(oldNs[0] as string, '192.0.2.3', 1500)).toBe('no answer');
  const dropped = fw.forwardedPackets(HOST);
  expect(dropped).toBeGreaterThan(0);

  // The runner's layout, rooted in the same host: both groups reach each other and the host's .1, the host reaches them.
  network = createNetwork(['a', 'b'], { root: HOST });
  const [a, b] = [network.group('a'), network.group('b')];
  await serve(b.ns, '0.0.0.0', 'group b');
  await serve(HOST, network.subnet.bridgeIp, 'host');
  expect(connect(a.ns, b.ip, 5000)).toBe('answer group b');
  expect(connect(a.ns, network.subnet.bridgeIp, 5000)).toBe('answer host');
  expect(connect(HOST, b.ip, 5000)).toBe('answer group b');
  expect(fw.forwardPolicy(HOST)).toBe('DROP');
  expect(fw.forwardedPackets(HOST)).toBe(dropped);

  const id = network.id;
  expect(leftovers(id, HOST)).toContain(network.uplink);
  expect(network.remove()).toEqual([]);
  network = undefined;
  expect(leftovers(id, HOST)).toEqual([]);
});
