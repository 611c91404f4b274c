import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { ERROR_CODES, GRPC_CODE } from './codes';
import { DaprError } from './dapr-error';
import { commonErrors } from './common';
import { invokeErrors } from './invoke';
import { stateErrors } from './state';

const doc = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'errors.md'), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| ([0-9 /]+) \| ([A-Z_ /]+) \| ([^|]*)\|/gm)].map((m) => [
    m[1] as string,
    { statuses: (m[2] as string).trim(), grpc: (m[3] as string).trim(), reason: (m[4] as string).trim() },
  ]),
);

const GRPC_NAMES: Record<number, string> = Object.fromEntries(Object.entries(GRPC_CODE).map(([name, n]) => [n, name]));

describe('error catalogue', () => {
  it('documents every code in docs/errors.md with its status', () => {
    for (const entry of Object.values(ERROR_CODES)) {
      const row = documented.get(entry.code);
      expect({ code: entry.code, documented: row !== undefined }).toEqual({ code: entry.code, documented: true });
      expect(row?.statuses.split(' / ')).toContain(String(entry.status));
      expect({ code: entry.code, grpc: row?.grpc.split(' / ') }).toEqual({ code: entry.code, grpc: expect.arrayContaining([GRPC_NAMES[entry.grpc]]) });
    }
  });

  it('documents no code that the catalogue lacks', () => {
    const codes = new Set<string>(Object.values(ERROR_CODES).map((e) => e.code));
    expect([...documented.keys()].filter((c) => !codes.has(c))).toEqual([]);
  });

  it('serialises legacy errors as errorCode + message only', () => {
    expect(invokeErrors.noAppId().toJSON()).toEqual({
      errorCode: 'ERR_DIRECT_INVOKE',
      message: 'failed getting app id either from the URL path or the header dapr-app-id',
    });
    expect(invokeErrors.noAppId().status).toBe(404);
    expect(commonErrors.bodyTooLarge(10).status).toBe(413);
  });

  it('serialises rich errors with ErrorInfo (and ResourceInfo when there is a resource)', () => {
    const e = stateErrors('statestore', 'nodeapp').notFound();
    expect(e.status).toBe(400);
    expect(e.toJSON()).toEqual({
      errorCode: 'ERR_STATE_STORE_NOT_FOUND',
      message: 'state store statestore is not found',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', domain: 'dapr.io', metadata: { appID: 'nodeapp' }, reason: 'DAPR_STATE_NOT_FOUND' }],
    });
    const illegal = stateErrors('s', 'a').illegalKey('a||b').toJSON();
    expect(illegal.errorCode).toBe('ERR_MALFORMED_REQUEST');
    expect(illegal.details?.[1]).toMatchObject({ resource_type: 'state', resource_name: 's' });
  });

  it('gives every entry a gRPC code equal to @grpc/grpc-js status values', () => {
    for (const [name, n] of Object.entries(GRPC_CODE)) expect([name, n]).toEqual([name, (grpcStatus as unknown as Record<string, number>)[name]]);
    expect(stateErrors('s', 'a').notFound().grpcCode).toBe(grpcStatus.INVALID_ARGUMENT);
    expect(stateErrors('s', 'a').queryNotSupported().grpcCode).toBe(grpcStatus.INTERNAL);
    expect(stateErrors('s', 'a').transactionsNotSupported().grpcCode).toBe(grpcStatus.UNIMPLEMENTED);
    expect(stateErrors('s', 'a').save(new Error('etag'), 409, grpcStatus.ABORTED).grpcCode).toBe(grpcStatus.ABORTED);
  });

  it('adds a BadRequest field violation to the illegal key error', () => {
    expect(stateErrors('s', 'a').illegalKey('a||b').toJSON().details?.[2]).toEqual({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      field_violations: [{ field: 'a||b', description: "input key/keyPrefix 'a||b' can't contain '||'" }],
    });
  });

  it('lets a component status override the catalogue status', () => {
    const e = stateErrors('s', 'a').save(new Error('etag'), 409);
    expect(e).toBeInstanceOf(DaprError);
    expect([e.code, e.status]).toEqual(['ERR_STATE_SAVE', 409]);
  });
});
