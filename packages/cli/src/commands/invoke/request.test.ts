import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../errors';
import { buildInvokeRequest, type InvokeFlags } from './request';

function issues(f: InvokeFlags, cwd = '/'): string[] {
  try {
    buildInvokeRequest(f, cwd);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues;
  }
}

it('POSTs to the invoke path, with JSON content type when there is data', () => {
  expect(buildInvokeRequest({ appId: 'nodeapp', method: 'neworder', data: '{"a":1}' }, '/')).toEqual({
    verb: 'POST',
    path: '/v1.0/invoke/nodeapp/method/neworder',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{"a":1}'),
  });
});

it('takes the verb, strips a leading slash from the method, and adds headers', () => {
  const r = buildInvokeRequest({ appId: 'a', method: '/orders/1?x=y', verb: 'get', header: ['X-Trace=abc', 'Content-Type=text/plain'] }, '/');
  expect(r).toEqual({ verb: 'GET', path: '/v1.0/invoke/a/method/orders/1?x=y', headers: { 'x-trace': 'abc', 'content-type': 'text/plain' }, body: undefined });
});

it('reads --data-file relative to the cwd', () => {
  const dir = mkdtempSync(join(tmpdir(), 'invoke-'));
  try {
    writeFileSync(join(dir, 'order.json'), '{"orderId":42}');
    expect(buildInvokeRequest({ appId: 'a', method: 'm', dataFile: 'order.json' }, dir).body?.toString()).toBe('{"orderId":42}');
    expect(issues({ appId: 'a', method: 'm', dataFile: 'none.json' }, dir)).toEqual(['--data-file: cannot read none.json: no such file']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('names the flag for bad input', () => {
  expect(issues({ appId: 'a', method: 'm', data: '{bad' })[0]).toMatch(/^--data: invalid JSON: /);
  expect(issues({ appId: 'a', method: 'm', data: '{}', dataFile: 'x' })).toEqual(['--data and --data-file cannot be used together']);
  expect(issues({ appId: 'a', method: 'm', header: ['novalue'] })).toEqual(['--header: expected key=value, got "novalue"']);
  expect(issues({ appId: 'a', method: 'm', verb: 'PO ST' })).toEqual(['--verb: must be an HTTP method like GET or POST, got "PO ST"']);
  expect(issues({ appId: 'a', method: '/' })).toEqual(['--method: must not be empty']);
});
