import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo';
import { loadCompose, parseCompose, profilesOf } from '../compose/load';
import { imageRepository, planCompose } from './plan';

const ROOT = repoRoot();
const step = (name: string) => loadCompose(join(ROOT, 'compose', name, 'compose.yaml'));
const FILE = join(ROOT, 'compose', 'x', 'compose.yaml');
const plan = (yaml: string, profiles: string[] = []) => planCompose(parseCompose(yaml, FILE), { composeFile: FILE, repoRoot: ROOT, profiles });

describe('planCompose', () => {
  it('maps compose/hello-world to local commands, groups and a forwarded Redis', () => {
    const certs = join(ROOT, 'no-such-volume-folder');
    const p = planCompose(step('hello-world'), { composeFile: '', repoRoot: ROOT, volumes: { 'trust-root': certs } });
    expect(p.project).toBe('hello-world');
    expect(p.externals).toEqual([{ name: 'redis', port: 6379 }]);
    expect(p.groups).toEqual([
      { name: 'trust-root', services: ['trust-root'] },
      { name: 'nodeapp', services: ['nodeapp', 'nodeapp-dapr'] },
      { name: 'pythonapp', services: ['pythonapp', 'pythonapp-dapr'] },
    ]);
    expect(p.services.map((s) => s.name)).toEqual(['trust-root', 'nodeapp', 'nodeapp-dapr', 'pythonapp', 'pythonapp-dapr']);
    const [root, nodeapp, sidecar, pythonapp] = p.services;
    // The one-shot: the runtime image with its own entrypoint, the named volume mapped to the given folder.
    expect(root).toMatchObject({ cwd: join(ROOT, 'packages/runtime'), argv: [process.execPath, 'bin/create-trust-root.js', '--out', certs] });
    expect(nodeapp).toMatchObject({ cwd: join(ROOT, 'quickstarts/hello-world/node'), argv: [process.execPath, 'dist/nodeapp/index.js'] });
    expect(nodeapp?.env).toMatchObject({ APP_PORT: '3000', DAPR_HTTP_PORT: '3500', NODE_ENV: 'production' });
    expect(nodeapp?.healthcheck?.[0]).toBe(process.execPath);
    // The sidecar: the runtime Dockerfile's ENTRYPOINT plus the compose command, mounts mapped back.
    expect(sidecar?.cwd).toBe(join(ROOT, 'packages/runtime'));
    expect(sidecar?.argv.slice(0, 3)).toEqual([process.execPath, '--max-semi-space-size=2', 'bin/minidaprd.js']);
    expect(sidecar?.argv).toEqual(expect.arrayContaining(['--app-id', 'nodeapp', join(ROOT, 'compose/hello-world/components'), join(ROOT, 'compose/config.yaml')]));
    expect(sidecar?.argv.join(' ')).toContain(`--enable-mtls --issuer-credentials ${certs} --trust-anchors-file ${join(certs, 'ca.crt')}`);
    expect(sidecar?.env).toMatchObject({ REDIS_PASSWORD: 'minidapr-compose-redis' });
    expect(sidecar?.dependsOn).toEqual([
      { service: 'trust-root', condition: 'service_completed_successfully' },
      { service: 'redis', condition: 'service_healthy' },
      { service: 'nodeapp', condition: 'service_healthy' },
    ]);
    expect(pythonapp).toMatchObject({ cwd: join(ROOT, 'quickstarts/hello-world/python'), argv: ['python', 'app.py'] });
    expect(pythonapp?.env).toMatchObject({ PYTHONUNBUFFERED: '1', ORDER_COUNT: '0' });
  });

  it('leaves a path under a named volume as is when no folder stands in for the volume', () => {
    const p = planCompose(step('hello-world'), { composeFile: '', repoRoot: ROOT });
    expect(p.services.find((s) => s.name === 'trust-root')?.argv.slice(-2)).toEqual(['--out', '/certs']);
  });

  it("maps container paths in the image's ENV back to the files its Dockerfile copies", () => {
    const p = planCompose(step('bindings'), { composeFile: '', repoRoot: ROOT, profiles: ['python'] });
    expect(p.services.find((s) => s.name === 'batch-py')?.env.ORDERS_FILE).toBe(join(ROOT, 'quickstarts/bindings/orders.json'));
  });

  it('runs only the chosen profile (plus the services without one)', () => {
    const p = planCompose(step('state-management'), { composeFile: '', repoRoot: ROOT, profiles: ['python'] });
    expect(p.groups).toEqual([
      { name: 'trust-root', services: ['trust-root'] },
      { name: 'order-processor-py', services: ['order-processor-py', 'order-processor-py-dapr'] },
    ]);
    expect(p.externals.map((e) => e.name)).toEqual(['redis']);
  });

  it('applies image overrides and environment in order: Dockerfile, env_file, compose, step, service', () => {
    const p = planCompose(parseCompose('services:\n  a:\n    image: example/app:1\n    environment: { A: compose, B: compose }\n    command: [python, x.py]\n', FILE), {
      composeFile: FILE,
      repoRoot: ROOT,
      images: { 'example/app:1': { cwd: 'quickstarts', env: { A: 'image', C: 'image' } } },
      commands: { python: 'python3' },
      env: { B: 'step' },
      serviceEnv: { a: { D: 'service' } },
    });
    expect(p.services[0]).toMatchObject({ cwd: join(ROOT, 'quickstarts'), argv: ['python3', 'x.py'], env: { A: 'compose', B: 'step', C: 'image', D: 'service' } });
  });

  it('runs healthchecks like Docker: CMD as is, CMD-SHELL and plain strings through sh -c, NONE not at all', () => {
    const p = plan(
      [
        'services:',
        '  a: { build: ., command: [x], healthcheck: { test: ["CMD", "node", "-e", "1"] } }',
        '  b: { build: ., command: [x], healthcheck: { test: ["CMD-SHELL", "curl -f localhost || exit 1"] } }',
        '  c: { build: ., command: [x], healthcheck: { test: ["NONE"] } }',
      ].join('\n'),
    );
    expect(p.services.map((s) => s.healthcheck)).toEqual([[process.execPath, '-e', '1'], ['sh', '-c', 'curl -f localhost || exit 1'], undefined]);
  });

  it('rejects what it cannot run, naming the file and service', () => {
    expect(() => plan('services:\n  a:\n    build: .\n    command: [x]\n    depends_on: {b: {condition: soon}}\n  b:\n    build: .\n    command: [x]\n')).toThrow(
      'services.a.depends_on.b.condition: unknown condition "soon"',
    );
    expect(() => plan('services:\n  a:\n    image: nginx:1\n')).toThrow('compose/x/compose.yaml: services.a: image "nginx:1" has no build section and no local equivalent');
    expect(() => plan('services:\n  redis:\n    image: redis:7\n  a:\n    image: redis:7\n  b:\n    build: .\n    command: [x]\n    network_mode: host\n')).toThrow(
      'services.b.network_mode: "host" is not supported by the netns runner',
    );
    expect(() => plan('services:\n  a:\n    build: .\n    command: [x]\n    depends_on: [b]\n  b:\n    build: .\n    command: [x]\n    profiles: [p]\n')).toThrow(
      'services.a.depends_on: service "b" is not part of this run (profile not enabled?)',
    );
    expect(() => plan('services:\n  a:\n    build: .\n    command: [x]\n    depends_on: [b]\n  b:\n    build: .\n    command: [x]\n    depends_on: [a]\n')).toThrow('depends_on cycle: a → b → a');
    expect(() => plan('services:\n  redis:\n    image: redis:7\n  a:\n    build: .\n    command: [x]\n    network_mode: "service:redis"\n')).toThrow(
      'services.a: cannot share the network of "redis"',
    );
  });

  it('reads the repository name of an image reference', () => {
    expect(imageRepository('docker.io/library/postgres:16.10-alpine')).toBe('postgres');
    expect(imageRepository('redis@sha256:abc')).toBe('redis');
  });
});

// Every compose file in the repository, with each of its profiles, is something the runner can start,
// and each has its netns scenario.
const composeSteps = readdirSync(join(ROOT, 'compose')).filter((d) => existsSync(join(ROOT, 'compose', d, 'compose.yaml')));
describe.each(composeSteps)('compose/%s', (name) => {
  const project = step(name);
  const profiles = profilesOf(project);
  it.each(profiles.length ? profiles : ['(none)'])('plans with profile %s: every group in a namespace, every folder present', (profile) => {
    const p = planCompose(project, { composeFile: project.file, repoRoot: ROOT, profiles: [profile] });
    expect(p.services.length).toBeGreaterThan(0);
    for (const s of p.services) {
      expect(existsSync(s.cwd)).toBe(true);
      expect(p.groups.some((g) => g.services.includes(s.name))).toBe(true);
    }
  });
  it('has a netns scenario in test/integration/netns', () => {
    expect(existsSync(join(__dirname, '..', '..', 'test', 'integration', 'netns', `${name}.test.ts`))).toBe(true);
  });
});

describe('the dashboard profile', () => {
  it("runs the dashboard from packages/cli with the image's ENTRYPOINT and the compose --sidecar arguments, in a group of its own", () => {
    const p = planCompose(step('hello-world'), { composeFile: '', repoRoot: ROOT, profiles: ['dashboard'] });
    expect(p.groups).toContainEqual({ name: 'dashboard', services: ['dashboard'] });
    expect(p.services.find((s) => s.name === 'dashboard')).toMatchObject({
      cwd: join(ROOT, 'packages/cli'),
      argv: [process.execPath, 'bin/minidapr.js', 'dashboard', '-a', '0.0.0.0', '--sidecar', 'nodeapp=nodeapp:3500:9090', '--sidecar', 'pythonapp=pythonapp:3500:9090'],
      aliases: [],
    });
  });

  it('keeps network aliases, which resolve like service names (hello-dapr-slim: nodeapp)', () => {
    const p = planCompose(step('hello-dapr-slim'), { composeFile: '', repoRoot: ROOT, profiles: ['http', 'dashboard'] });
    expect(p.services.find((s) => s.name === 'nodeapp-http')?.aliases).toEqual(['nodeapp']);
  });
});
