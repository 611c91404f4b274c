/**
 * Conformance: bindings.http through the HTTP bindings API, against a local server this file starts
 * (contrib uses one at localhost:22222). The server keeps the body of the last POST, answers it to GET
 * and forgets it on DELETE, so besides contrib's create the get-after-create and get-after-delete
 * checks run too; afterwards the server must have received the created bytes.
 */
import { componentYaml, goJson, DEFAULT_OUTPUT_DATA, runBindingsConformance, startApp, type TestApp } from '@minidapr/testkit';

jest.setTimeout(30000);

let server: TestApp | undefined;
let stored: Buffer | undefined;

beforeAll(async () => {
  server = await startApp((req) => {
    if (req.method === 'POST') stored = req.body;
    if (req.method === 'DELETE') stored = undefined;
    if (req.method === 'GET' && stored) return { status: 200, headers: { 'content-type': 'application/json' }, body: stored };
    return { status: req.method === 'POST' ? 201 : 204 };
  });
});

afterAll(async () => {
  await server?.close();
});

runBindingsConformance({
  bindingName: 'http-binding',
  resources: () => ({ 'http.yaml': componentYaml('http-binding', 'bindings.http', { url: `http://127.0.0.1:${(server as TestApp).port}/call` }) }),
  operations: ['create', 'get', 'delete', 'operations'],
});

describe('bindings.http target server', () => {
  it('received the create as a POST to the configured URL with the created bytes', () => {
    const posts = (server as TestApp).received.filter((r) => r.method === 'POST');
    expect(posts.map((r) => ({ url: r.url, body: r.body.toString() }))).toEqual([{ url: '/call', body: goJson(DEFAULT_OUTPUT_DATA) }]);
  });
});
