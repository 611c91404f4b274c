import { decodeMetadata, parseDurationMs, type FieldSpec } from './metadata';

const spec: FieldSpec[] = [
  { name: 'redisHost', type: 'string', required: true, description: 'host:port' },
  { name: 'queueDepth', type: 'number', default: '100', description: 'depth' },
  { name: 'enableTLS', type: 'boolean', default: 'false', description: 'tls' },
  { name: 'processingTimeout', type: 'duration', default: '15s', description: 'timeout' },
];

describe('decodeMetadata', () => {
  it('decodes typed values case-insensitively and applies defaults', () => {
    expect(decodeMetadata('c', spec, { RedisHost: 'localhost:6379', enableTLS: 'TRUE' })).toEqual({
      redisHost: 'localhost:6379',
      queueDepth: 100,
      enableTLS: true,
      processingTimeout: 15000,
    });
  });

  it('names the component and the field when a value is wrong or missing', () => {
    expect(() => decodeMetadata('statestore', spec, {})).toThrow('component statestore: metadata field "redisHost" is required');
    expect(() => decodeMetadata('statestore', spec, { redisHost: 'x', queueDepth: 'lots' })).toThrow(/"queueDepth" must be a number/);
    expect(() => decodeMetadata('statestore', spec, { redisHost: 'x', enableTLS: 'maybe' })).toThrow(/"enableTLS" must be true or false/);
  });

  it('reads a field from its aliases when the field itself is missing or empty', () => {
    const aliased: FieldSpec[] = [{ name: 'connectionString', type: 'string', required: true, description: '', aliases: ['url'] }];
    expect(decodeMetadata('c', aliased, { URL: 'from-alias' })).toEqual({ connectionString: 'from-alias' });
    expect(decodeMetadata('c', aliased, { connectionString: '', url: 'from-alias' })).toEqual({ connectionString: 'from-alias' });
    expect(decodeMetadata('c', aliased, { connectionString: 'main', url: 'alias' })).toEqual({ connectionString: 'main' });
    expect(() => decodeMetadata('c', aliased, { url: '' })).toThrow(/"connectionString" is required/);
  });

  it('parses Go durations and plain seconds', () => {
    expect(parseDurationMs('1m30s')).toBe(90000);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2')).toBe(2000);
    expect(parseDurationMs('soon')).toBeUndefined();
  });
});
