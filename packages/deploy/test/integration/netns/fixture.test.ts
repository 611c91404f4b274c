/**
 * The netns runner on a small compose file of its own: two services that call each other by
 * compose service name, a third that shares the first one's network namespace, and Redis and
 * PostgreSQL reached through the forwarders. Checks hosts files, env_file, volume path mapping,
 * depends_on with a healthcheck, and that teardown leaves nothing behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireServiceSync, tempDir } from '@minidapr/testkit';
import { requireNetnsSync, startTopology, type Topology } from '../../../src/netns';
import { NETNS_ETC } from '../../../src/netns/hosts';
import { expectCleanStop } from './helpers';

jest.setTimeout(60000);

const skip = requireNetnsSync('netns fixture') ?? requireServiceSync('Redis', '127.0.0.1', 6379) ?? requireServiceSync('PostgreSQL', '127.0.0.1', 5432);
const maybe = skip ? it.skip : it;

const SERVER = `
const http = require('node:http');
const port = Number(process.env.PORT);
http.createServer((req, res) => res.end(process.env.GREETING + ' ' + req.url)).listen(port, '0.0.0.0', () => console.log('listening on ' + port));
`;
const CLIENT = `
const fs = require('node:fs');
const net = require('node:net');
const get = async (url) => (await fetch(url)).text();
const ping = () => new Promise((resolve, reject) => {
  const s = net.connect(6379, 'redis', () => s.write('PING\\r\\n'));
  s.on('data', (d) => { resolve(String(d).trim()); s.end(); }).on('error', reject);
});
// PostgreSQL's SSLRequest: the server answers one byte, S or N.
const sslRequest = () => new Promise((resolve, reject) => {
  const s = net.connect(5432, 'postgres', () => s.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])));
  s.once('data', (d) => { resolve(String.fromCharCode(d[0])); s.destroy(); }).on('error', reject);
});
(async () => {
  console.log('postgres says: ' + (await sslRequest()));
  console.log('api says: ' + (await get('http://api:8080/from-client')));
  console.log('side says: ' + (await get('http://api-side:8080/via-side-name')));
  console.log('redis says: ' + (await ping()));
  console.log('file says: ' + fs.readFileSync(process.argv[2], 'utf8').trim());
  console.log('secret is ' + process.env.SECRET);
})().catch((e) => { console.error('client failed: ' + e.message); process.exit(1); });
`;
const SIDE = `
setTimeout(async () => console.log('side sees: ' + (await (await fetch('http://127.0.0.1:8080/from-side')).text())), 10);
setInterval(() => {}, 1000);
`;
const COMPOSE = `
name: fixture
services:
  redis:
    image: redis:7.4.5-alpine
  postgres:
    image: postgres:16.10-alpine
  api:
    build: { context: ., dockerfile: api/Dockerfile }
    environment: { PORT: "8080", GREETING: hello-from-api }
    healthcheck:
      test: ["CMD", "node", "-e", "require('node:net').connect(8080, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"]
  api-side:
    build: { context: ., dockerfile: side/Dockerfile }
    network_mode: "service:api"
    depends_on:
      api: { condition: service_healthy }
  client:
    build: { context: ., dockerfile: client/Dockerfile }
    command: ["node", "client.js", "/data/msg.txt"]
    env_file: ./app.env
    volumes:
      - ./data:/data:ro
    depends_on:
      api: { condition: service_healthy }
      redis: { condition: service_healthy }
      postgres: { condition: service_started }
`;

let topo: Topology | undefined;
const dir = tempDir('minidapr-netns-fixture-');
afterAll(async () => {
  await topo?.stop();
  dir.remove();
});

maybe('runs the services in namespaces that reach each other by name and reach Redis and PostgreSQL through the forwarders', async () => {
  dir.write({
    'compose.yaml': COMPOSE,
    'api/Dockerfile': 'FROM node:20\nWORKDIR /app\nCOPY server.js .\nENV EXTRA=from-dockerfile\nCMD ["node", "server.js"]\n',
    'api/server.js': SERVER,
    'side/Dockerfile': 'FROM node:20\nCMD ["node", "side.js"]\n',
    'side/side.js': SIDE,
    'client/Dockerfile': 'FROM node:20\nCMD ["node", "client.js"]\n',
    'client/client.js': CLIENT,
    'data/msg.txt': 'mounted file content\n',
    'app.env': '# comment\nSECRET=from-env-file\n',
  });
  topo = await startTopology({ composeFile: join(dir.path, 'compose.yaml'), repoRoot: dir.path });
  const t = topo;

  expect(t.plan.groups).toEqual([
    { name: 'api', services: ['api', 'api-side'] },
    { name: 'client', services: ['client'] },
  ]);
  expect(t.plan.externals).toEqual([
    { name: 'redis', port: 6379 },
    { name: 'postgres', port: 5432 },
  ]);
  expect(t.address('api')).toBe(t.address('api-side'));
  expect(t.address('redis')).toBe(t.network.subnet.bridgeIp);

  await t.waitForOutput('client', 'secret is from-env-file');
  expect(t.output('client')).toContain('api says: hello-from-api /from-client');
  expect(t.output('client')).toContain('side says: hello-from-api /via-side-name');
  expect(t.output('client')).toContain('redis says: +PONG');
  expect(t.output('client')).toMatch(/postgres says: [SN]/);
  expect(t.forwardedConnections('postgres')).toBe(1);
  expect(t.output('client')).toContain('file says: mounted file content');
  await t.waitForOutput('api-side', 'side sees: hello-from-api /from-side');
  expect((await t.exited('client')).code).toBe(0);

  const hostsFile = join(NETNS_ETC, t.network.group('client').ns, 'hosts');
  const hosts = readFileSync(hostsFile, 'utf8');
  expect(hosts).toContain(`${t.address('api')}\tapi api-side`);
  expect(hosts).toContain(`${t.network.subnet.bridgeIp}\tredis postgres`);

  topo = undefined;
  await expectCleanStop(t);
  expect(existsSync(hostsFile)).toBe(false);
});
