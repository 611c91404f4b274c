/** pubsub.redis stream entries: decoding XREAD/XCLAIM replies and paging past an id. */
import { decodeEntry, nextStreamId } from './entries';

describe('pubsub.redis stream entries', () => {
  it('decodes data bytes and metadata, and pages past an id', () => {
    const bytes = Buffer.from([0, 0xff, 1]);
    const entry = decodeEntry('t', ['1-2', [Buffer.from('data'), bytes, Buffer.from('metadata'), Buffer.from('{"a":"b","n":1}')]]);
    expect(entry).toEqual({ id: '1-2', message: { topic: 't', data: bytes, metadata: { a: 'b', n: '1' } } });
    const bad: string[] = [];
    expect(decodeEntry('t', ['1-3', [Buffer.from('metadata'), Buffer.from('nope')]], (id) => bad.push(id))).toEqual({ id: '1-3', message: { topic: 't', data: Buffer.alloc(0) } });
    expect(bad).toEqual(['1-3']);
    expect(decodeEntry('t', ['1-4', null])).toEqual({ id: '1-4', deleted: true });
    expect(nextStreamId('1700000000000-9')).toBe('1700000000000-10');
  });
});
