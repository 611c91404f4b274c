import * as net from 'node:net';
import type { GrpcDeps } from './call';
import { createGrpcServer } from './server';

async function busyPort(): Promise<{ port: number; close(): void }> {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  return { port: (blocker.address() as net.AddressInfo).port, close: () => blocker.close() };
}

function depsFor(port: number, explicit: boolean | undefined, warn: (m: string) => void): GrpcDeps {
  const ctx = {
    options: { maxBodySize: 4 * 1024 * 1024, listenAddresses: ['127.0.0.1'], daprGrpcPort: port, daprGrpcPortExplicit: explicit },
    logger: { warn, info: () => undefined, debug: () => undefined, error: () => undefined },
  };
  return { ctx, universal: () => undefined, tracing: () => undefined } as unknown as GrpcDeps;
}

describe('createGrpcServer on a busy port', () => {
  it('takes a free port instead of the default one, and says so', async () => {
    const busy = await busyPort();
    const warnings: string[] = [];
    try {
      const handle = await createGrpcServer(depsFor(busy.port, false, (m) => warnings.push(m)));
      expect(handle.port).not.toBe(busy.port);
      expect(handle.port).toBeGreaterThan(0);
      expect(warnings).toEqual([`gRPC port ${busy.port} is busy; serving the gRPC API on ${handle.port} instead (set --dapr-grpc-port to choose)`]);
      await handle.tryShutdown(1000);
    } finally {
      busy.close();
    }
  });

  it('refuses to start on a busy port given with --dapr-grpc-port', async () => {
    const busy = await busyPort();
    try {
      await expect(createGrpcServer(depsFor(busy.port, true, () => undefined))).rejects.toThrow(`--dapr-grpc-port: port ${busy.port} is already in use`);
      await expect(createGrpcServer(depsFor(busy.port, undefined, () => undefined))).rejects.toThrow('already in use');
    } finally {
      busy.close();
    }
  });
});
