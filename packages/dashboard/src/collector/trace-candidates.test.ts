import { candidateSql, spanTerms } from './trace-candidates';
import { resolveTraceQuery } from './trace-query';

describe('spanTerms', () => {
  it('lists tag keys, key=value pairs and annotation values, delimited for whole-term matching', () => {
    expect(spanTerms({ traceId: 'a', id: 'b', tags: { error: '', 'http.method': 'GET' }, annotations: [{ timestamp: 1, value: 'ws' }] }))
      .toBe('\nerror\nerror=\nhttp.method\nhttp.method=GET\nws\n');
    expect(spanTerms({ traceId: 'a', id: 'b' })).toBe('');
  });
});

describe('candidateSql', () => {
  it('adds one HAVING clause per criterion and a stable statement key', () => {
    const q = resolveTraceQuery({ serviceName: 'a', spanName: 'x', remoteServiceName: 'b', minDuration: 5, maxDuration: 9, annotationQuery: 'error and k=v', endTs: 10, lookback: 5 });
    const c = candidateSql(q);
    expect(c.key).toBe('s,n,r,dd,a,a');
    expect(c.params).toEqual([5000, 10000, 'a', 'x', 'b', 5, 9, '\nerror\n', '\nk=v\n']);
    expect(c.sql.match(/MAX\(/g)).toHaveLength(5 + 1);
    expect(candidateSql(resolveTraceQuery({ endTs: 10 })).sql).not.toContain('HAVING');
  });
});
