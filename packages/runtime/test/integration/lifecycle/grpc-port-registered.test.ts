/**
 * Scenario (issue 15): minidaprd serves the gRPC API on --dapr-grpc-port, so the instance it
 * registers for the CLI (`minidapr list`) and for name resolution carries that port, and it listens.
 */
import { freePort, isListening, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';
import { listInstances } from '../../../src/nameresolution/instances';

jest.setTimeout(30000);

let sidecar: Sidecar | undefined;
afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

it('registers the gRPC port it listens on', async () => {
  const grpcPort = await freePort();
  sidecar = await startSidecar({ appId: 'with-grpc', args: ['--dapr-grpc-port', String(grpcPort)], waitFor: 'outbound' });
  const mine = listInstances(sidecar.home).filter((i) => i.appId === 'with-grpc');
  expect(mine.map((i) => ({ httpPort: i.httpPort, grpcPort: i.grpcPort }))).toEqual([{ httpPort: sidecar.httpPort, grpcPort }]);
  expect(sidecar.grpcPort).toBe(grpcPort);
  expect(await isListening(grpcPort)).toBe(true);
});
