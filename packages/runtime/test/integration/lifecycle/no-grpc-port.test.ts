/**
 * Scenario (issue 11): minidaprd serves no gRPC API, so it never claims a gRPC port: the instance it
 * registers for the CLI (`minidapr list`) and for name resolution says 0 even when daprd's
 * --dapr-grpc-port flag is given, and nothing listens on that port.
 */
import { freePort, isListening, startSidecar, stopAll, type Sidecar } from '@minidapr/testkit';
import { listInstances } from '../../../src/nameresolution/instances';

jest.setTimeout(30000);

let sidecar: Sidecar | undefined;
afterAll(async () => {
  await sidecar?.stop();
  await stopAll();
});

it('registers grpcPort 0 and opens nothing on --dapr-grpc-port', async () => {
  const grpcPort = await freePort();
  sidecar = await startSidecar({ appId: 'no-grpc', args: ['--dapr-grpc-port', String(grpcPort)], waitFor: 'outbound' });
  const mine = listInstances(sidecar.home).filter((i) => i.appId === 'no-grpc');
  expect(mine.map((i) => ({ httpPort: i.httpPort, grpcPort: i.grpcPort }))).toEqual([{ httpPort: sidecar.httpPort, grpcPort: 0 }]);
  expect(await isListening(grpcPort)).toBe(false);
});
