import { Metadata, status } from '@grpc/grpc-js';
import { ERROR_CODES, type ErrorCodeName } from '../../errors/codes';
import { DaprError } from '../../errors/dapr-error';
import { stateErrors } from '../../errors/state';
import { GrpcPassthrough, toServiceError } from './errors';
import { decodeDetail, decodeStatus } from './status';

function details(err: ReturnType<typeof toServiceError>) {
  const bin = err.metadata.get('grpc-status-details-bin');
  if (bin.length === 0) return undefined;
  const s = decodeStatus(bin[0] as Buffer);
  return { code: s.code, message: s.message, details: s.details.map(decodeDetail) };
}

describe('toServiceError', () => {
  it('sends every catalogue entry with its gRPC code, and details exactly when it has a reason', () => {
    for (const name of Object.keys(ERROR_CODES) as ErrorCodeName[]) {
      const entry = ERROR_CODES[name] as { grpc: number; reason?: string };
      const se = toServiceError(new DaprError(name, `boom ${name}`, { metadata: { appID: 'a' } }));
      expect({ name, code: se.code, message: se.details }).toEqual({ name, code: entry.grpc, message: `boom ${name}` });
      const d = details(se);
      if (entry.reason) expect({ name, d }).toEqual({ name, d: { code: entry.grpc, message: `boom ${name}`, details: [{ reason: entry.reason, domain: 'dapr.io', metadata: { appID: 'a' } }] } });
      else expect({ name, d }).toEqual({ name, d: undefined });
    }
  });

  it('sends the same details as the HTTP JSON, in the same order (ErrorInfo, ResourceInfo, BadRequest)', () => {
    const err = stateErrors('store1', 'app1').illegalKey('a||b');
    const d = details(toServiceError(err));
    expect(d?.code).toBe(status.INVALID_ARGUMENT);
    expect(d?.details).toEqual([
      { reason: 'DAPR_STATE_ILLEGAL_KEY', domain: 'dapr.io', metadata: { appID: 'app1' } },
      { resourceType: 'state', resourceName: 'store1', owner: '', description: err.message },
      { fieldViolations: [{ field: 'a||b', description: err.message }] },
    ]);
    expect(err.toJSON().details?.map((x) => x['@type'])).toEqual(d && ['ErrorInfo', 'ResourceInfo', 'BadRequest'].map((t) => `type.googleapis.com/google.rpc.${t}`));
  });

  it('sends an etag mismatch as ABORTED without details', () => {
    const se = toServiceError(stateErrors('s', 'a').save(new Error('etag mismatch'), 409, status.ABORTED));
    expect([se.code, details(se)]).toEqual([status.ABORTED, undefined]);
  });

  it('relays a passthrough verbatim and turns anything else into INTERNAL', () => {
    const md = new Metadata();
    md.set('x-app', '1');
    const p = toServiceError(new GrpcPassthrough(status.NOT_FOUND, 'nope', md));
    expect([p.code, p.details, p.metadata.get('x-app')]).toEqual([status.NOT_FOUND, 'nope', ['1']]);
    const other = toServiceError(new Error('kaput'));
    expect([other.code, other.details, details(other)]).toEqual([status.INTERNAL, 'kaput', undefined]);
    expect(toServiceError('text').code).toBe(status.INTERNAL);
  });
});
