/**
 * Scenario (issue 15, gRPC API conformance: the API as a whole): `dapr-api-token` is enforced on
 * every RPC minidapr serves, every other RPC of dapr.proto.runtime.v1.Dapr answers UNIMPLEMENTED,
 * and Shutdown stops the sidecar process.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { waitFor } from '@minidapr/testkit';
import { DAPR_SERVICE, serviceDefinition } from '../../src/api/grpc/proto';
import { bare, bareClient, client, details, failure, IMPLEMENTED, unary, useConformanceSidecars, withToken } from '../support/grpc-conformance';

jest.setTimeout(60000);

useConformanceSidecars();

describe('API token', () => {
  it.each([
    ['missing', new Metadata(), 'missing api token in request metadata'],
    ['wrong', withToken('not-the-token'), 'authentication error: api token mismatch'],
  ])('a %s token is UNAUTHENTICATED with the daprd ErrorInfo', async (_what, md, text) => {
    const err = await failure(unary(bareClient, 'GetMetadata', {}, md));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.details).toBe('Unauthorized');
    expect(details(err)[0]).toMatchObject({ type: 'google.rpc.ErrorInfo', reason: 'Unauthorized', domain: 'dapr.io', metadata: { 'http.code': '401', 'http.error_message': text } });
  });

  it.each(IMPLEMENTED.filter((r) => r !== 'SubscribeTopicEventsAlpha1' && r !== 'Shutdown'))('%s needs the token', async (rpc) => {
    expect((await failure(unary(bareClient, rpc, {}, new Metadata()))).code).toBe(status.UNAUTHENTICATED);
  });

  it('the right token is let through', async () => {
    expect((await unary(bareClient, 'GetMetadata', {}, withToken())).res.id).toBe('grpc-bare');
  });
});

describe('not implemented', () => {
  const def = serviceDefinition(DAPR_SERVICE) as unknown as Record<string, { requestStream: boolean; responseStream: boolean }>;
  const others = Object.keys(def).filter((rpc) => !IMPLEMENTED.includes(rpc) && /^[A-Z]/.test(rpc));

  /** Calls an RPC of any shape with an empty request and resolves with its final status. */
  function finalStatus(rpc: string): Promise<ServiceError | null> {
    const { requestStream, responseStream } = def[rpc]!;
    return new Promise((resolve) => {
      const done = (err: ServiceError | null) => resolve(err);
      if (!requestStream && !responseStream) client[rpc]!({}, new Metadata(), {}, done);
      else if (requestStream && !responseStream) client[rpc]!(new Metadata(), {}, done).end();
      else {
        const call = requestStream ? client[rpc]!(new Metadata()) : client[rpc]!({}, new Metadata());
        call.on('data', () => undefined);
        call.on('error', done);
        call.on('status', (st: { code: number }) => st.code === status.OK && resolve(null));
        if (requestStream) call.end();
      }
    });
  }

  it('the service has the RPCs the contract names', () => {
    for (const rpc of IMPLEMENTED) expect(def[rpc]).toBeDefined();
    expect(others.length).toBeGreaterThan(30);
  });

  it('every other Dapr RPC answers UNIMPLEMENTED', async () => {
    const answers: Record<string, number | string> = {};
    for (const rpc of others) {
      const err = await finalStatus(rpc);
      answers[rpc] = err ? err.code : 'OK';
    }
    expect(answers).toEqual(Object.fromEntries(others.map((rpc) => [rpc, status.UNIMPLEMENTED])));
  });
});

describe('Shutdown', () => {
  it('stops the sidecar process', async () => {
    await unary(bareClient, 'Shutdown', {}, withToken());
    const { child } = bare.process;
    await waitFor('the sidecar to exit', async () => child.exitCode !== null || child.signalCode !== null, { timeoutMs: 15000 });
  });
});
