import { status } from '@grpc/grpc-js';
import { decodeDetail, decodeStatus } from '../api/grpc/status';
import { errorFromHttpStatus, grpcFromHttpStatus, httpStatusFromGrpc } from './grpc-status';

describe('HTTP ⇄ gRPC status', () => {
  it('maps HTTP to gRPC as daprd (400 is INTERNAL)', () => {
    const table: Array<[number, number]> = [
      [200, status.OK], [204, status.OK], [400, status.INTERNAL], [401, status.UNAUTHENTICATED], [403, status.PERMISSION_DENIED],
      [404, status.NOT_FOUND], [408, status.CANCELLED], [409, status.ALREADY_EXISTS], [429, status.RESOURCE_EXHAUSTED],
      [500, status.UNKNOWN], [501, status.UNIMPLEMENTED], [503, status.UNAVAILABLE], [504, status.DEADLINE_EXCEEDED], [418, status.UNKNOWN],
    ];
    expect(table.map(([h]) => [h, grpcFromHttpStatus(h)])).toEqual(table);
  });

  it('maps gRPC to HTTP as daprd', () => {
    const table: Array<[number, number]> = [
      [status.OK, 200], [status.CANCELLED, 408], [status.UNKNOWN, 500], [status.INVALID_ARGUMENT, 400], [status.DEADLINE_EXCEEDED, 504],
      [status.NOT_FOUND, 404], [status.ALREADY_EXISTS, 409], [status.PERMISSION_DENIED, 403], [status.UNAUTHENTICATED, 401],
      [status.RESOURCE_EXHAUSTED, 429], [status.FAILED_PRECONDITION, 400], [status.ABORTED, 409], [status.OUT_OF_RANGE, 400],
      [status.UNIMPLEMENTED, 501], [status.INTERNAL, 500], [status.UNAVAILABLE, 503], [status.DATA_LOSS, 500], [99, 500],
    ];
    expect(table.map(([g]) => [g, httpStatusFromGrpc(g)])).toEqual(table);
  });

  it('builds an error from an HTTP answer with one ErrorInfo (message cut to 63 characters)', () => {
    const err = errorFromHttpStatus(400, Buffer.from('x'.repeat(100)));
    expect([err.code, err.message, err.details]).toEqual([status.INTERNAL, 'Bad Request', 'Bad Request']);
    const s = decodeStatus(err.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(s.code).toBe(status.INTERNAL);
    expect(s.details.map(decodeDetail)).toEqual([{ reason: 'Bad Request', domain: 'dapr.io', metadata: { 'http.code': '400', 'http.error_message': 'x'.repeat(63) } }]);
  });
});
