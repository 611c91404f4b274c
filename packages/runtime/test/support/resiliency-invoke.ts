/**
 * Helpers for the resiliency scenarios (ported from Dapr's tests/e2e/resiliency and
 * tests/config/resiliency.yaml, with tiny durations): the policy document, a test app that fails
 * as each request tells it to and counts calls per request id (HTTP and gRPC flavours), and a
 * caller/callee pair of sidecars sharing one MINIDAPR_HOME.
 */
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { startApp, startSidecar, tempDir, type Sidecar, type TempDir, type TestApp } from '@minidapr/testkit';
import { APP_CALLBACK, serviceDefinition } from '../../src/api/grpc/proto';
import { startGrpcApp, type GrpcTestApp, type OnInvokeSeen } from './grpc-invoke';

/** What a request asks the test app to do (Dapr's FailureMessage). */
export interface FailureMessage {
  id: string;
  /** The first N calls with this id fail (default 0). */
  maxFailureCount?: number;
  /** A failing call sleeps this long and then succeeds (instead of answering the failure status). */
  timeoutMs?: number;
  /** The failure: HTTP status (HTTP app, default 500) or gRPC code (gRPC app, default 2 UNKNOWN). */
  responseCode?: number;
}

/** Dapr's tests/config/resiliency.yaml with durations a test can wait for. */
export function resiliencyYaml(opts: { apps: string[]; breakerTimeout?: string; retry?: 'fiveRetries' | 'fiveRetriesWithMatch'; name?: string }): string {
  const targets = opts.apps.map((a) => `      ${a}:\n        timeout: fast\n        retry: ${opts.retry ?? 'fiveRetriesWithMatch'}\n        circuitBreaker: simpleCB\n`).join('');
  return `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: ${opts.name ?? 'resiliency'}
spec:
  policies:
    timeouts:
      fast: 500ms
    retries:
      fiveRetries:
        policy: constant
        duration: 10ms
        maxRetries: 5
      fiveRetriesWithMatch:
        policy: constant
        duration: 10ms
        maxRetries: 5
        matching:
          httpStatusCodes: "500"
          gRPCStatusCodes: "2"
    circuitBreakers:
      simpleCB:
        maxRequests: 1
        timeout: ${opts.breakerTimeout ?? '30s'}
        trip: consecutiveFailures > 15
  targets:
    apps:
${targets}`;
}

let seq = 0;
/** A request id nobody used yet. */
export function newId(prefix = 'm'): string {
  return `${prefix}-${process.pid}-${++seq}`;
}

/** Counts calls per id and fails the first maxFailureCount of them as told. */
class Counter {
  readonly calls = new Map<string, number>();

  /** Records a call; what it should do. */
  next(m: FailureMessage): 'fail' | 'sleep' | 'ok' {
    const n = (this.calls.get(m.id) ?? 0) + 1;
    this.calls.set(m.id, n);
    if (n > (m.maxFailureCount ?? 0)) return 'ok';
    return m.timeoutMs !== undefined ? 'sleep' : 'fail';
  }

  count(id: string): number {
    return this.calls.get(id) ?? 0;
  }
}

/** Unref'd: a sleep the caller gave up on does not keep the test process alive. */
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export interface FlakyApp {
  port: number;
  count(id: string): number;
  close(): Promise<void>;
}

/** HTTP app: POST /resiliencyInvocation with a FailureMessage. */
export async function startFlakyHttpApp(): Promise<FlakyApp> {
  const counter = new Counter();
  const app: TestApp = await startApp(async (r): Promise<{ status: number; headers?: Record<string, string>; body: string }> => {
    let m: FailureMessage;
    try {
      m = JSON.parse(r.body.toString()) as FailureMessage;
    } catch {
      return { status: 400, body: 'not a failure message' };
    }
    const what = counter.next(m);
    if (what === 'sleep') await sleep(m.timeoutMs as number);
    if (what === 'fail') return { status: m.responseCode ?? 500, headers: { 'content-type': 'text/plain', 'x-attempt': String(counter.count(m.id)) }, body: `failure ${counter.count(m.id)}` };
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: m.id, calls: counter.count(m.id) }) };
  });
  return { port: app.port, count: (id) => counter.count(id), close: () => app.close() };
}

/** gRPC app: AppCallback.OnInvoke with a FailureMessage as the data. */
export async function startFlakyGrpcApp(): Promise<FlakyApp> {
  const counter = new Counter();
  const app: GrpcTestApp = await startGrpcApp(async (seen: OnInvokeSeen) => {
    const m = JSON.parse(seen.data?.value.toString() ?? '{}') as FailureMessage;
    const what = counter.next(m);
    if (what === 'sleep') await sleep(m.timeoutMs as number);
    if (what === 'fail') return { error: { code: m.responseCode ?? 2, message: `forced failure ${counter.count(m.id)}` } };
    return { data: JSON.stringify({ id: m.id, calls: counter.count(m.id) }), contentType: 'application/json' };
  });
  return { port: app.port, count: (id) => counter.count(id), close: () => app.close() };
}

export interface Pair {
  caller: Sidecar;
  callee: Sidecar;
  app: FlakyApp;
  stop(): Promise<void>;
}

/** A caller sidecar (no app) and the callee sidecar of `app`, both loading `yaml`. */
export async function startPair(o: { app: FlakyApp; calleeId: string; yaml: string; grpcApp?: boolean; callerArgs?: string[] }): Promise<Pair> {
  const home: TempDir = tempDir('minidapr-home-');
  const resources = { 'resiliency.yaml': o.yaml };
  const callee = await startSidecar({ appId: o.calleeId, appPort: o.app.port, home: home.path, resources, args: o.grpcApp ? ['--app-protocol', 'grpc'] : [] });
  const caller = await startSidecar({ appId: 'caller', home: home.path, resources, args: o.callerArgs });
  return {
    caller,
    callee,
    app: o.app,
    async stop() {
      await Promise.all([caller.stop(), callee.stop()]);
      await o.app.close();
      home.remove();
    },
  };
}

/** POSTs a FailureMessage through the caller's HTTP API (the test apps answer it on any method). */
export async function invokeHttp(s: Sidecar, appId: string, m: FailureMessage, method = 'resiliencyInvocation'): Promise<{ status: number; body: string; headers: Headers }> {
  const r = await fetch(`${s.url}/v1.0/invoke/${appId}/method/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(m) });
  return { status: r.status, body: await r.text(), headers: r.headers };
}

type OnInvokeStub = Client & { OnInvoke(req: unknown, md: Metadata, cb: (err: ServiceError | null, res?: { data?: { value: Buffer } }) => void): void };

/** AppCallback.OnInvoke through the caller's gRPC port with `dapr-app-id`: the gRPC proxy path. */
export function proxyClient(s: Sidecar): { onInvoke(appId: string, m: FailureMessage): Promise<{ err?: ServiceError; data?: string }>; close(): void } {
  const Ctor = makeGenericClientConstructor(serviceDefinition(APP_CALLBACK), 'AppCallback');
  const stub = new Ctor(`127.0.0.1:${s.grpcPort}`, credentials.createInsecure()) as unknown as OnInvokeStub;
  return {
    onInvoke(appId, m) {
      const md = new Metadata();
      md.set('dapr-app-id', appId);
      return new Promise((resolve) =>
        stub.OnInvoke({ method: 'resiliencyInvocation', data: { value: Buffer.from(JSON.stringify(m)) } }, md, (err, res) =>
          resolve(err ? { err } : { data: res?.data?.value.toString() }),
        ),
      );
    },
    close: () => stub.close(),
  };
}
