/**
 * Test helper (not a scenario): a minimal Zipkin v2 receiver that records every span POSTed to
 * /api/v2/spans, and the Configuration that points a sidecar's tracing at it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

export interface ZipkinReceiver {
  url: string;
  spans: RecordedSpan[];
  posts: number;
  close(): Promise<void>;
}

export async function startZipkinReceiver(): Promise<ZipkinReceiver> {
  const r: ZipkinReceiver = { url: '', spans: [], posts: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v2/spans') {
        r.posts++;
        r.spans.push(...(JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedSpan[]));
        res.writeHead(202).end();
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`;
  r.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return r;
}

export function tracingConfiguration(zipkinUrl: string, samplingRate = '1'): string {
  return `apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: tracing\nspec:\n  tracing:\n    samplingRate: "${samplingRate}"\n    zipkin:\n      endpointAddress: "${zipkinUrl}"\n`;
}
