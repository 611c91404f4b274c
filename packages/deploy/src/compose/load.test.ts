import { tempDir, type TempDir } from '@minidapr/testkit';
import { join } from 'node:path';
import { activeServices, loadCompose, parseCompose, profilesOf, serviceEnv, splitCommand } from './load';
import { validateComposeSchema } from './schema';
import { flagValues, hostPath, sidecarsOf } from './sidecars';

const COMPOSE = `
name: demo
x-sidecar: &sidecar
  image: ghcr.io/minidapr/minidaprd:0.1.0
  volumes:
    - ./components:/components:ro
services:
  app:
    image: example/app:1.0
    build: { context: .., dockerfile: app/Dockerfile }
    profiles: [http]
    environment: ["APP_PORT=3000", "EMPTY"]
    env_file: app.env
    ports: ["3000:3000", { target: 3500, published: "3500" }]
    networks:
      default:
        aliases: [app-id]
    depends_on: [db]
  app-dapr:
    <<: *sidecar
    profiles: [http]
    network_mode: "service:app"
    command: --app-id app --resources-path=/components/extra "--log-level" debug
  db:
    image: redis:7
    command: ["sh", "-c", "redis-server --requirepass \\"$$PASSWORD\\""]
    depends_on:
      app: { condition: service_healthy }
`;

describe('parseCompose', () => {
  let dir: TempDir;
  beforeEach(() => {
    dir = tempDir('minidapr-compose-');
    dir.write({ 'compose.yaml': COMPOSE, 'app.env': '# comment\nSECRET="s3"\n' });
  });
  afterEach(() => dir.remove());

  it('resolves merge keys, normalises short and long syntax and resolves host paths', () => {
    const p = loadCompose(join(dir.path, 'compose.yaml'));
    expect(p.name).toBe('demo');
    const [app, sidecar, db] = p.services;
    expect(app?.build).toEqual({ context: join(dir.path, '..'), dockerfile: join(dir.path, '..', 'app', 'Dockerfile') });
    expect(app?.environment).toEqual({ APP_PORT: '3000', EMPTY: '' });
    expect(app?.ports).toEqual(['3000:3000', '3500:3500']);
    expect(app?.dependsOn).toEqual({ db: 'service_started' });
    expect(app?.aliases).toEqual(['app-id']);
    expect(db?.aliases).toEqual([]);
    expect(serviceEnv(app as never)).toEqual({ SECRET: 's3', APP_PORT: '3000', EMPTY: '' });
    expect(sidecar?.image).toBe('ghcr.io/minidapr/minidaprd:0.1.0');
    expect(sidecar?.volumes).toEqual([{ source: join(dir.path, 'components'), target: '/components', readOnly: true, bind: true }]);
    expect(db?.command).toEqual(['sh', '-c', 'redis-server --requirepass "$PASSWORD"']);
    expect(db?.dependsOn).toEqual({ app: 'service_healthy' });
  });

  it('finds sidecars, their app, their flags and the host folders behind them', () => {
    const p = loadCompose(join(dir.path, 'compose.yaml'));
    const [sc] = sidecarsOf(p);
    expect(sc?.app?.name).toBe('app');
    expect(sc?.args).toEqual(['--app-id', 'app', '--resources-path=/components/extra', '--log-level', 'debug']);
    expect(flagValues(sc?.args ?? [], 'resources-path')).toEqual(['/components/extra']);
    expect(hostPath(sc?.service as never, '/components/extra')).toBe(join(dir.path, 'components', 'extra'));
    expect(hostPath(sc?.service as never, '/config/x.yaml')).toBeUndefined();
  });

  it('selects services by profile', () => {
    const p = loadCompose(join(dir.path, 'compose.yaml'));
    expect(profilesOf(p)).toEqual(['http']);
    expect(activeServices(p, []).map((s) => s.name)).toEqual(['db']);
    expect(activeServices(p, ['http']).map((s) => s.name)).toEqual(['app', 'app-dapr', 'db']);
  });

  it('passes the schema, and reports a misspelt key with its path', () => {
    const p = loadCompose(join(dir.path, 'compose.yaml'));
    expect(validateComposeSchema(p.doc, 'compose.yaml')).toEqual([]);
    const bad = parseCompose('services:\n  a:\n    image: x:1\n    network-mode: host\n', 'bad.yaml');
    expect(validateComposeSchema(bad.doc, 'bad.yaml')).toContain('bad.yaml: /services/a must NOT have additional properties (network-mode)');
  });

  it('rejects a file that is not a mapping', () => {
    expect(() => parseCompose('- a\n', 'list.yaml')).toThrow('list.yaml: a compose file must be a YAML mapping');
  });
});

describe('splitCommand', () => {
  it('splits on spaces and keeps quoted words together', () => {
    expect(splitCommand(`node -e "console.log('a b')" 'x y'`)).toEqual(['node', '-e', "console.log('a b')", 'x y']);
  });
});
