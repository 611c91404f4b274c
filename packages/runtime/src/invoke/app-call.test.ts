/** callApp against a local node:http server standing in for the app. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApp, metadataHeaders } from './app-call';
import { AppChannel } from './app-channel';

let server: http.Server;
let channel: AppChannel;
const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/big') {
        res.writeHead(200);
        res.end('x'.repeat(10_000));
        return;
      }
      res.writeHead(201, { 'content-type': 'text/plain' });
      res.end('done');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  channel = new AppChannel({ protocol: 'http', address: '127.0.0.1', port: (server.address() as AddressInfo).port, appApiToken: 'app-secret', maxConcurrency: 0 });
});

afterAll(async () => {
  channel.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

it('sends the method, path, headers, body and the app token, and answers status and body', async () => {
  const answer = await callApp(channel, 'POST', '/orders', { 'content-type': 'application/json', 'dapr-api-token': 'spoofed' }, { body: Buffer.from('{"n":1}') });
  expect(answer.status).toBe(201);
  expect(answer.body.toString()).toBe('done');
  const req = seen.at(-1);
  expect(req).toMatchObject({ method: 'POST', url: '/orders', body: '{"n":1}' });
  expect(req?.headers['dapr-api-token']).toBe('app-secret');
  expect(req?.headers['content-type']).toBe('application/json');
});

it('reads the answer up to maxBytes, and all of it without a cap', async () => {
  expect((await callApp(channel, 'GET', '/big', {}, { maxBytes: 100 })).body.length).toBe(100);
  expect((await callApp(channel, 'GET', '/big', {})).body.length).toBe(10_000);
});

it('fails after timeoutMs when the app does not answer', async () => {
  await expect(callApp(channel, 'OPTIONS', '/slow', {}, { timeoutMs: 100 })).rejects.toThrow('no answer within 100 ms');
});

describe('metadataHeaders', () => {
  it('keeps valid metadata as lower-case headers and leaves out what the sidecar owns or Node would refuse', () => {
    const h = metadataHeaders({
      'X-Custom': 'yes',
      'content-type': 'text/evil',
      'dapr-api-token': 'stolen',
      Upgrade: 'websocket',
      'bad name': 'v',
      crlf: 'a\r\nInjected: 1',
      nul: 'a\0b',
      latin1: 'café',
      emoji: '☕',
    });
    expect(h).toEqual({ 'x-custom': 'yes', latin1: 'café' });
  });
});
