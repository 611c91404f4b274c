/** invokeSql over a fake driver: the shared exec/query/close handling of the SQL bindings. */
import { describeError, invokeSql, type SqlBindingHooks, type SqlDriver } from './sql-operations';

function hooks(driver: SqlDriver | undefined, closed: string[] = []): SqlBindingHooks {
  return { driver: () => driver, close: async () => void closed.push('closed'), toParam: (v) => (typeof v === 'number' ? v * 10 : v) };
}

const req = (operation: string, metadata: Record<string, string>) => ({ operation, data: Buffer.from('null'), metadata });

it('exec answers rows-affected and the timing metadata, with params mapped by toParam', async () => {
  const calls: unknown[][] = [];
  const driver: SqlDriver = { exec: (_sql, params) => (calls.push(params), 3), query: () => [] };
  const r = await invokeSql(req('exec', { sql: 'UPDATE t SET a = $1', params: '[1,"x"]' }), hooks(driver));
  expect(calls).toEqual([[10, 'x']]);
  expect(r?.data).toBeUndefined();
  expect(r?.metadata).toMatchObject({ operation: 'exec', sql: 'UPDATE t SET a = $1', 'rows-affected': '3' });
  expect(Object.keys(r?.metadata ?? {})).toEqual(expect.arrayContaining(['start-time', 'end-time', 'duration']));
});

it('query answers the rows as a JSON array of row arrays', async () => {
  const driver: SqlDriver = { exec: () => 0, query: async () => [[1, 'a'], [2, null]] };
  const r = await invokeSql(req('query', { sql: 'SELECT 1' }), hooks(driver));
  expect(r?.data?.toString()).toBe('[[1,"a"],[2,null]]');
  expect(r?.metadata).toMatchObject({ operation: 'query', sql: 'SELECT 1' });
});

it('close succeeds even when closed; other operations then fail with "component is closed"', async () => {
  const closed: string[] = [];
  expect(await invokeSql(req('close', {}), hooks(undefined, closed))).toBeUndefined();
  expect(closed).toEqual(['closed']);
  await expect(invokeSql(req('exec', { sql: 'SELECT 1' }), hooks(undefined))).rejects.toThrow('component is closed');
});

it('refuses a missing sql, bad params and unknown operations, and wraps driver errors', async () => {
  const driver: SqlDriver = {
    exec: () => {
      throw new Error('syntax error at "SELEC"');
    },
    query: () => [],
  };
  await expect(invokeSql(req('exec', {}), hooks(driver))).rejects.toThrow('required metadata not set: sql');
  await expect(invokeSql(req('exec', { sql: 'x', params: '{}' }), hooks(driver))).rejects.toThrow(/invalid metadata property params/);
  await expect(invokeSql(req('drop', { sql: 'x' }), hooks(driver))).rejects.toThrow('invalid operation type: drop. Expected exec, query, or close');
  await expect(invokeSql(req('exec', { sql: 'SELEC 1' }), hooks(driver))).rejects.toThrow('error executing query: syntax error at "SELEC"');
});

it('describes AggregateErrors by their parts', () => {
  expect(describeError(new AggregateError([new Error('a'), new Error('b')]))).toBe('a; b');
  expect(describeError('plain')).toBe('plain');
});
