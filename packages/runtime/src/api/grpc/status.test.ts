import { badRequest, decodeDetail, decodeStatus, encodeStatus, errorInfo, resourceInfo } from './status';

describe('google.rpc.Status', () => {
  it('round-trips a status with ErrorInfo, ResourceInfo and BadRequest details', () => {
    const s = {
      code: 3,
      message: 'bad key',
      details: [
        errorInfo('DAPR_STATE_ILLEGAL_KEY', 'dapr.io', { appID: 'a' }),
        resourceInfo({ resourceType: 'state', resourceName: 's', owner: '', description: 'bad key' }),
        badRequest([{ field: 'a||b', description: 'bad key' }]),
      ],
    };
    const back = decodeStatus(encodeStatus(s));
    expect(back).toEqual(s);
    expect(back.details.map((d) => d.typeUrl)).toEqual([
      'type.googleapis.com/google.rpc.ErrorInfo',
      'type.googleapis.com/google.rpc.ResourceInfo',
      'type.googleapis.com/google.rpc.BadRequest',
    ]);
    expect(back.details.map((d) => decodeDetail(d))).toEqual([
      { reason: 'DAPR_STATE_ILLEGAL_KEY', domain: 'dapr.io', metadata: { appID: 'a' } },
      { resourceType: 'state', resourceName: 's', owner: '', description: 'bad key' },
      { fieldViolations: [{ field: 'a||b', description: 'bad key' }] },
    ]);
  });

  it('round-trips an empty status and ignores unknown detail types', () => {
    expect(decodeStatus(encodeStatus({ code: 0, message: '', details: [] }))).toEqual({ code: 0, message: '', details: [] });
    expect(decodeDetail({ typeUrl: 'type.googleapis.com/x.Y', value: Buffer.alloc(0) })).toBeUndefined();
  });
});
