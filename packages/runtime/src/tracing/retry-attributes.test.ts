import { recordRetry } from './attributes';

describe('recordRetry', () => {
  const span = () => {
    const set: Record<string, string | number> = {};
    return { recording: true, set, setAttribute: (k: string, v: string | number) => (set[k] = v) };
  };

  it('records the attempts started so far and why the last one failed', () => {
    const s = span();
    recordRetry(s, 1, { httpStatus: 500 });
    expect(s.set).toEqual({ 'dapr.resiliency.attempts': 2, 'dapr.resiliency.last_failure': 'HTTP status 500' });
    recordRetry(s, 2, new Error('context deadline exceeded'));
    expect(s.set).toEqual({ 'dapr.resiliency.attempts': 3, 'dapr.resiliency.last_failure': 'context deadline exceeded' });
    recordRetry(s, 3, { grpcCode: 2 });
    expect(s.set['dapr.resiliency.last_failure']).toBe('gRPC status 2');
  });

  it('leaves unsampled spans and missing spans alone', () => {
    const s = { ...span(), recording: false };
    recordRetry(s, 1, {});
    expect(s.set).toEqual({});
    expect(() => recordRetry(undefined, 1, {})).not.toThrow();
  });
});
