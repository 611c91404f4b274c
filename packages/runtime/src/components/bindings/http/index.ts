/**
 * @module components/bindings/http
 * bindings.http (output): one HTTP request per invoke, to `url` + request metadata `path`. The
 * operation is the method (`create` = POST); a body is sent only for POST/PUT/PATCH. Request metadata
 * keys starting with an upper-case letter become headers, except those that frame the message (outgoing.ts). The answer's bytes (cut at
 * maxResponseBodySize) come back with metadata `statusCode`, `status` and every response header; a
 * non-2xx answer fails the call unless errorIfNot2XX is false (the metadata still travels with the error).
 */
import http from 'node:http';
import https from 'node:https';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import type { InvokeRequest, InvokeResponse, OutputBinding } from '../contract';
import { parseHttpMetadata, type HttpBindingConfig } from './metadata';
import { canonicalHeader, requestHeaders, requestTarget } from './outgoing';

export { canonicalHeader } from './outgoing';

export const HTTP_OPERATIONS = ['create', 'get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'] as const;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const TRUTHY = new Set(['1', 't', 'true', 'y', 'yes', 'on']);

/** An invoke failure that still carries the response metadata (daprd sends it as headers). */
export class HttpBindingError extends Error {
  constructor(
    message: string,
    readonly metadata?: Record<string, string>,
  ) {
    super(message);
    this.name = 'HttpBindingError';
  }
}

export class HttpBinding implements OutputBinding {
  private config?: HttpBindingConfig;
  private agent?: http.Agent;

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, ctx: InitContext): Promise<void> {
    this.config = parseHttpMetadata(metadata, ctx.cwd);
    const c = this.config;
    this.agent = c.url.protocol === 'https:' ? new https.Agent({ keepAlive: true, ca: c.ca, cert: c.cert, key: c.key }) : new http.Agent({ keepAlive: true });
  }

  async close(): Promise<void> {
    this.agent?.destroy();
  }

  features(): readonly string[] {
    return [];
  }

  operations(): readonly string[] {
    return HTTP_OPERATIONS;
  }

  async invoke(req: InvokeRequest): Promise<InvokeResponse | undefined> {
    const c = this.config;
    if (!c || !this.agent) throw new Error('bindings.http: invoke() before init()');
    const url = requestTarget(c.url, req.metadata.path);
    const errorIfNot2XX = req.metadata.errorIfNot2XX !== undefined ? TRUTHY.has(req.metadata.errorIfNot2XX.trim().toLowerCase()) : c.errorIfNot2XX;
    let method = req.operation.toUpperCase();
    if (method === 'CREATE') method = 'POST';
    if (!(HTTP_OPERATIONS as readonly string[]).includes(method.toLowerCase())) throw new Error(`invalid operation: ${req.operation}`);
    const withBody = BODY_METHODS.has(method);
    const headers = requestHeaders(req.metadata, withBody, { header: c.securityTokenHeader, value: c.securityToken });
    if (withBody) headers['Content-Length'] = String(req.data.length);
    const { status, statusText, responseHeaders, body } = await this.send(url, method, headers, withBody ? req.data : undefined, c);
    const metadata: Record<string, string> = { statusCode: String(status), status: `${status} ${statusText}`.trim() };
    for (const [name, value] of Object.entries(responseHeaders)) {
      if (value === undefined) continue;
      metadata[canonicalHeader(name)] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (errorIfNot2XX && Math.floor(status / 100) !== 2) throw new HttpBindingError(`received status code ${status}`, metadata);
    return { data: body, metadata };
  }

  private send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: Buffer | undefined,
    c: HttpBindingConfig,
  ): Promise<{ status: number; statusText: string; responseHeaders: http.IncomingHttpHeaders; body: Buffer }> {
    const request = url.protocol === 'https:' ? https.request : http.request;
    type Answer = { status: number; statusText: string; responseHeaders: http.IncomingHttpHeaders; body: Buffer };
    return new Promise<Answer>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (err: Error | undefined, answer?: Answer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(answer as Answer);
      };
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (): void =>
          settle(undefined, { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', responseHeaders: res.headers, body: Buffer.concat(chunks, size) });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          const room = c.maxResponseBodySize - size;
          if (chunk.length > room) {
            // As Dapr: a longer body is cut at the limit, not failed.
            chunks.push(chunk.subarray(0, room));
            size += room;
            this.logger.warn(`response from ${url.origin}${url.pathname} is larger than maxResponseBodySize (${c.maxResponseBodySize} bytes); cut`);
            done();
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', done);
        res.on('error', (err) => settle(err));
        res.on('aborted', () => settle(new Error('the server closed the connection before the response ended')));
      });
      if (c.responseTimeoutMs > 0) {
        const ms = c.responseTimeoutMs;
        timer = setTimeout(() => {
          const err = new Error(`${method} ${url.origin}${url.pathname}: no complete response within ${ms} ms (responseTimeout)`);
          settle(err);
          req.destroy(err);
        }, ms);
      }
      req.on('error', (err) => settle(err));
      req.end(body);
    });
  }
}

export function createHttpBinding(ctx: FactoryContext): HttpBinding {
  return new HttpBinding(ctx.logger);
}
