/**
 * @module netns/topology
 * Starts a planned compose topology: the network (namespaces, bridge, veths, hosts files), a
 * forwarder per external service, then each service with `ip netns exec <ns> <command>` in start
 * order, honouring depends_on conditions (a healthcheck runs inside the service's namespace, like
 * Docker's). stop() removes everything, and a failed start cleans up before it throws.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { serviceAvailable, spawnProcess, waitFor, type Spawned } from '@minidapr/testkit';
import { loadCompose } from '../compose/load';
import { startForwarder, type Forwarder } from './forwarder';
import { createNetwork, type Network } from './network';
import { namedVolumes, planCompose, type NetnsStep, type Plan, type PlannedService } from './plan';

export interface TopologyOptions extends NetnsStep {
  /** How long a depends_on condition may take (default 30 s). */
  startTimeoutMs?: number;
  /** The run id in every name created (default: random); for tests that check what is left. */
  networkId?: string;
}

export interface Topology {
  plan: Plan;
  network: Network;
  /** The address a service name resolves to inside the namespaces. */
  address(service: string): string;
  output(service: string): string;
  /** Every service's output, each line prefixed `<service> | ` like `docker compose logs`. */
  logs(): string;
  waitForOutput(service: string, text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited(service: string): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Connections the forwarder of an external service (redis, postgres) has carried so far. */
  forwardedConnections(service: string): number;
  /** Stops processes and forwarders and removes the network; resolves to teardown problems. */
  stop(): Promise<string[]>;
}

/** Environment every process inherits from the runner (ip and language runtimes need a PATH). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TZ', 'PYENV_ROOT', 'PYENV_VERSION']) if (process.env[k]) env[k] = process.env[k] as string;
  return env;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Images run `python`; machines with only `python3` get that instead. */
function defaultCommands(): Record<string, string> {
  return !onPath('python') && onPath('python3') ? { python: 'python3' } : {};
}

function runOnce(ns: string, argv: string[], cwd: string, env: Record<string, string>): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, ...argv], { cwd, env, timeout: 5000 }, (err) => resolve(!err));
  });
}

export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const compose = loadCompose(opts.composeFile);
  // Every process's MINIDAPR_HOME, and an empty folder per named volume the options do not give (like
  // a new Docker volume); all removed by stop().
  const home = mkdtempSync(join(tmpdir(), 'minidapr-netns-'));
  let plan: Plan;
  let network: Network;
  try {
    const volumes: Record<string, string> = {};
    for (const v of namedVolumes(compose)) {
      volumes[v] = opts.volumes?.[v] ?? join(home, 'volumes', v);
      mkdirSync(volumes[v] as string, { recursive: true, mode: 0o700 });
    }
    plan = planCompose(compose, { ...opts, volumes, commands: { ...defaultCommands(), ...opts.commands } });
    network = createNetwork(plan.groups.map((g) => g.name), { id: opts.networkId });
  } catch (err) {
    rmSync(home, { recursive: true, force: true });
    throw err;
  }
  const timeoutMs = opts.startTimeoutMs ?? 30000;
  const forwarders: Forwarder[] = [];
  const procs = new Map<string, Spawned>();
  const addresses = new Map<string, string>();
  for (const g of plan.groups) for (const s of g.services) addresses.set(s, network.group(g.name).ip);
  // Network aliases resolve like the service's own name (compose/hello-dapr-slim: `nodeapp`).
  for (const s of plan.services) for (const a of s.aliases) addresses.set(a, network.group(s.group).ip);
  for (const e of plan.externals) addresses.set(e.name, network.subnet.bridgeIp);

  const stop = async (): Promise<string[]> => {
    const errors: string[] = [];
    for (const p of [...procs.values()].reverse()) await p.stop('SIGTERM', 3000).catch((err: Error) => errors.push(err.message));
    await Promise.all(forwarders.splice(0).map((f) => f.close()));
    errors.push(...network.remove());
    rmSync(home, { recursive: true, force: true });
    return errors;
  };

  const byName = new Map(plan.services.map((s) => [s.name, s]));
  const describe = (name: string) => `${name} (${byName.get(name)?.argv.join(' ') ?? 'external'})`;
  const envOf = (s: PlannedService) => ({ ...baseEnv(), ...s.env, MINIDAPR_HOME: join(home, s.name) });

  const satisfied = async (service: string, dep: string, condition: string): Promise<void> => {
    const external = plan.externals.find((e) => e.name === dep);
    if (external) {
      if (condition !== 'service_started') await waitFor(`${dep} at 127.0.0.1:${external.port} (for ${service})`, () => serviceAvailable('127.0.0.1', external.port, 500), { timeoutMs, intervalMs: 200 });
      return;
    }
    const target = byName.get(dep) as PlannedService;
    const proc = procs.get(dep) as Spawned;
    let ended: { code: number | null } | undefined;
    void proc.exited.then((r) => (ended = r));
    if (condition === 'service_completed_successfully') {
      const r = await Promise.race([proc.exited, new Promise<undefined>((res) => setTimeout(() => res(undefined), timeoutMs))]);
      if (!r || r.code !== 0) throw new Error(`${describe(dep)} did not complete successfully (needed by ${service}): ${r ? `exit code ${r.code}` : 'still running'}\n${proc.output()}`);
      return;
    }
    if (condition !== 'service_healthy' || !target.healthcheck) return;
    const ns = network.group(target.group).ns;
    const health = await waitFor(
      `${describe(dep)} to be healthy (needed by ${service})`,
      async () => (ended ? 'exited' : (await runOnce(ns, target.healthcheck as string[], target.cwd, envOf(target))) && 'healthy'),
      { timeoutMs, intervalMs: 250 },
    );
    if (health === 'exited') throw new Error(`${describe(dep)} exited with code ${ended?.code} before it was healthy (needed by ${service}):\n${proc.output()}`);
  };

  try {
    for (const e of plan.externals) {
      forwarders.push(await startForwarder({ host: network.subnet.bridgeIp, port: e.port }, { host: '127.0.0.1', port: e.port }));
    }
    network.writeHosts(addresses);
    for (const s of plan.services) {
      for (const d of s.dependsOn) await satisfied(s.name, d.service, d.condition);
      const ns = network.group(s.group).ns;
      procs.set(s.name, spawnProcess('ip', ['netns', 'exec', ns, ...s.argv], { cwd: s.cwd, env: envOf(s) }));
    }
  } catch (err) {
    const output = [...procs].map(([n, p]) => p.output().replace(/^/gm, `${n} | `)).join('\n');
    const problems = await stop();
    const e = err as Error;
    e.message += `${output ? `\n--- output ---\n${output}` : ''}${problems.length ? `\n--- teardown problems ---\n${problems.join('\n')}` : ''}`;
    throw e;
  }

  const proc = (service: string): Spawned => {
    const p = procs.get(service);
    if (!p) throw new Error(`no process for service "${service}" (services: ${[...procs.keys()].join(', ')})`);
    return p;
  };
  const logs = () => [...procs].map(([n, p]) => p.output().trimEnd().replace(/^/gm, `${n} | `)).join('\n');
  return {
    plan,
    network,
    address(service) {
      const a = addresses.get(service);
      if (!a) throw new Error(`unknown service "${service}"`);
      return a;
    },
    output: (service) => proc(service).output(),
    logs,
    async waitForOutput(service, text, timeoutMs = 20000) {
      const p = proc(service);
      const seen = () => (typeof text === 'string' ? p.output().includes(text) : text.test(p.output()));
      await waitFor(`${service} to print ${String(text)}`, seen, { timeoutMs, intervalMs: 50 }).catch((err: Error) => {
        throw new Error(`${err.message}\n--- logs ---\n${logs()}`);
      });
    },
    exited: (service) => proc(service).exited,
    forwardedConnections(service) {
      const i = plan.externals.findIndex((e) => e.name === service);
      if (i < 0) throw new Error(`"${service}" is not an external service (externals: ${plan.externals.map((e) => e.name).join(', ') || 'none'})`);
      return forwarders[i]?.connections() ?? 0;
    },
    stop,
  };
}
