/**
 * Scenario (issue 15): the sidecar serves the Dapr gRPC API on --dapr-grpc-port. A plain grpc-js
 * client reads and writes metadata (within --max-body-size), gets UNIMPLEMENTED for what minidapr does not serve, is
 * refused without the API token, and shuts the sidecar down; the official SDK's gRPC client starts
 * against it; a busy gRPC port stops start-up with a message naming it.
 */
import { CommunicationProtocolEnum, DaprClient } from '@dapr/dapr';
import { Client, credentials, loadPackageDefinition, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { freePort, minidaprdBin, spawnProcess, startSidecar, stopAll, tempDir, waitFor, type Sidecar } from '@minidapr/testkit';
import * as net from 'node:net';
import { loadDaprProtos } from '../../src/api/grpc/proto';
import { decodeDetail, decodeStatus } from '../../src/api/grpc/status';

jest.setTimeout(60000);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- decoded protobuf messages
type Callback = (err: ServiceError | null, res?: Json) => void;
type DaprStub = Client & Record<string, (req: unknown, md: Metadata, cb: Callback) => void>;
type DaprCtor = new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => DaprStub;

const proto = loadPackageDefinition(loadDaprProtos()) as Json;
const Dapr = proto.dapr.proto.runtime.v1.Dapr as DaprCtor;

let plain: Sidecar;
let guarded: Sidecar;
const clients: Client[] = [];

function dial(port: number): DaprStub {
  const c = new Dapr(`127.0.0.1:${port}`, credentials.createInsecure());
  clients.push(c);
  return c;
}

function rpc(c: DaprStub, name: string, req: unknown, md = new Metadata()): Promise<{ err?: ServiceError; res?: Json }> {
  return new Promise((resolve) => c[name]?.(req, md, (err, res) => resolve(err ? { err } : { res })));
}

beforeAll(async () => {
  [plain, guarded] = await Promise.all([
    startSidecar({ appId: 'grpc-core', args: ['--max-body-size', '16Ki'] }),
    startSidecar({ appId: 'grpc-guarded', env: { DAPR_API_TOKEN: 'tok3n' } }),
  ]);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await plain?.stop();
  await guarded?.stop();
  await stopAll();
});

it('answers GetMetadata with the same content as GET /v1.0/metadata', async () => {
  const { err, res } = await rpc(dial(plain.grpcPort), 'GetMetadata', {});
  expect(err).toBeUndefined();
  const http = (await (await fetch(`${plain.url}/v1.0/metadata`)).json()) as Json;
  expect(res?.id).toBe('grpc-core');
  expect(res?.runtimeVersion).toBe(http.runtimeVersion);
  expect(res?.extendedMetadata).toEqual(http.extended);
  expect(res?.appConnectionProperties).toMatchObject({ protocol: 'http', channelAddress: '127.0.0.1' });
  expect(res?.actorRuntime).toMatchObject({ runtimeStatus: 1, placement: 'placement: disconnected' });
});

it('sets extended metadata and enforces the key limit with INVALID_ARGUMENT', async () => {
  const c = dial(plain.grpcPort);
  expect((await rpc(c, 'SetMetadata', { key: 'color', value: 'blue' })).err).toBeUndefined();
  expect((await rpc(c, 'GetMetadata', {})).res?.extendedMetadata).toMatchObject({ color: 'blue' });
  const http = (await (await fetch(`${plain.url}/v1.0/metadata`)).json()) as Json;
  expect(http.extended.color).toBe('blue');
  const { err } = await rpc(c, 'SetMetadata', { key: 'k'.repeat(300), value: 'v' });
  expect(err?.code).toBe(status.INVALID_ARGUMENT);
  expect(err?.details).toContain('256');
  expect(err?.metadata.get('grpc-status-details-bin')).toEqual([]);
});

it('refuses a message over --max-body-size with RESOURCE_EXHAUSTED', async () => {
  const { err } = await rpc(dial(plain.grpcPort), 'SetMetadata', { key: 'big', value: 'x'.repeat(32 * 1024) });
  expect(err?.code).toBe(status.RESOURCE_EXHAUSTED);
});

it('answers UNIMPLEMENTED for Dapr RPCs minidapr does not serve and for unknown services', async () => {
  const c = dial(plain.grpcPort);
  const { err } = await rpc(c, 'GetJobAlpha1', { name: 'j' });
  expect([err?.code, err?.details]).toEqual([status.UNIMPLEMENTED, 'method GetJobAlpha1 is not implemented']);
  const other = await new Promise<ServiceError | null>((resolve) =>
    c.makeUnaryRequest('/acme.Orders/Get', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), new Metadata(), (e) => resolve(e)),
  );
  expect(other?.code).toBe(status.UNIMPLEMENTED);
});

it('refuses calls without the API token (UNAUTHENTICATED with ErrorInfo) and accepts the right one', async () => {
  const c = dial(guarded.grpcPort);
  const { err } = await rpc(c, 'GetMetadata', {});
  expect([err?.code, err?.details]).toEqual([status.UNAUTHENTICATED, 'Unauthorized']);
  const s = decodeStatus(err?.metadata.get('grpc-status-details-bin')[0] as Buffer);
  expect(s.details.map(decodeDetail)).toEqual([
    { reason: 'Unauthorized', domain: 'dapr.io', metadata: { 'http.code': '401', 'http.error_message': 'missing api token in request metadata' } },
  ]);
  const md = new Metadata();
  md.set('dapr-api-token', 'tok3n');
  expect((await rpc(c, 'GetMetadata', {}, md)).res?.id).toBe('grpc-guarded');
});

it('lets the official SDK gRPC client start and read the metadata', async () => {
  const client = new DaprClient({
    daprHost: '127.0.0.1',
    daprPort: String(guarded.grpcPort),
    communicationProtocol: CommunicationProtocolEnum.GRPC,
    daprApiToken: 'tok3n',
    logger: { level: 0 } as never,
  });
  try {
    await client.start();
    const meta = await client.metadata.get();
    expect(meta.id).toBe('grpc-guarded');
  } finally {
    await client.stop();
  }
});

it('names a busy --dapr-grpc-port and exits 1', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  const home = tempDir('minidapr-home-');
  const res = tempDir('minidapr-res-');
  try {
    const p = spawnProcess(process.execPath, [minidaprdBin(), '--app-id', 'busy', '--dapr-http-port', String(await freePort()), '--dapr-internal-port', String(await freePort()),
      '--metrics-port', String(await freePort()), '--dapr-grpc-port', String(port), '--dapr-listen-addresses', '127.0.0.1', '--resources-path', res.path], {
      env: { ...process.env, MINIDAPR_HOME: home.path },
    });
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.output()).toContain(`--dapr-grpc-port: port ${port} is already in use`);
  } finally {
    blocker.close();
    home.remove();
    res.remove();
  }
});

it('shuts the sidecar down on Shutdown', async () => {
  const { err } = await rpc(dial(plain.grpcPort), 'Shutdown', {});
  expect(err).toBeUndefined();
  const { code } = await plain.process.exited;
  expect(code).toBe(0);
  await waitFor('the gRPC port to close', async () => !(await canConnect(plain.grpcPort)), { timeoutMs: 10000 });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
