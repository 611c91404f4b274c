/**
 * @module app-channel/http
 * The app side of an HTTP(S) app behind the AppCallbacks interface: what pub/sub delivery, input
 * bindings and the health prober did with callApp before, unchanged (same requests, same headers,
 * same bytes): `GET /dapr/subscribe`, `POST /<route>` with the CloudEvent, the bulk envelope,
 * `POST /<binding route>`, `GET <health path>`. Transport failures reject (the callers word them).
 */
import type http from 'node:http';
import { httpProbe, type ProbeFn } from '../invoke/app-health';
import { callApp } from '../invoke/app-call';
import type { AppChannel } from '../invoke/app-channel';
import type { Logger } from '../logger';
import { bulkBody, bulkRoute, bulkVerdicts } from '../pubsub/bulk';
import { discoverSubscriptions } from '../pubsub/discovery';
import { verdictFor, type Verdict } from '../pubsub/settle';
import type { Subscription } from '../pubsub/subscriptions';
import type { AppBulkEntry, AppCallbacks, AppEvent, AppInvoke, AppInvokeResult } from './types';

export interface HttpAppCallbacksOptions {
  logger?: Logger;
  /** --app-health-check-path (default /healthz). */
  healthCheckPath?: string;
  /** Cap on an input binding answer's bytes (--max-body-size; default: no cap). */
  maxResponseBytes?: number;
}

export class HttpAppCallbacks implements AppCallbacks {
  readonly protocol = 'http' as const;
  readonly probe: ProbeFn;

  constructor(
    readonly channel: AppChannel,
    private readonly o: HttpAppCallbacksOptions = {},
  ) {
    this.probe = httpProbe(channel, o.healthCheckPath ?? '/healthz');
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    return this.channel.acquire(signal);
  }

  listSubscriptions(signal?: AbortSignal): Promise<Subscription[]> {
    if (!this.o.logger) return Promise.reject(new Error('HttpAppCallbacks: a logger is required to discover subscriptions'));
    return discoverSubscriptions(this.channel, this.o.logger, signal);
  }

  async deliverEvent(e: AppEvent): Promise<{ status?: number; verdict: Verdict }> {
    const res = await callApp(this.channel, 'POST', e.path, e.headers, { body: e.body });
    return { status: res.status, verdict: verdictFor(res.status, res.body) };
  }

  async deliverBulk(sub: Subscription, topic: string, entries: AppBulkEntry[], headers: http.OutgoingHttpHeaders): Promise<{ status?: number; verdicts: Map<string, Verdict> }> {
    const body = bulkBody(sub, topic, entries);
    const res = await callApp(this.channel, 'POST', bulkRoute(sub, entries, true), { ...headers, 'content-length': body.length }, { body });
    return { status: res.status, verdicts: bulkVerdicts(res.status, res.body, entries.map((e) => e.entryId)) };
  }

  async deliverBinding(
    _name: string,
    path: string,
    data: Buffer,
    _metadata: Record<string, string>,
    headers: http.OutgoingHttpHeaders,
  ): Promise<{ ok: boolean; status?: number; body: Buffer; error?: string }> {
    const answer = await callApp(this.channel, 'POST', path, headers, { body: data, maxBytes: this.o.maxResponseBytes });
    return { ok: answer.status >= 200 && answer.status < 300, status: answer.status, body: answer.body };
  }

  async invoke(req: AppInvoke): Promise<AppInvokeResult> {
    const headers: http.OutgoingHttpHeaders = { ...req.headers };
    if (req.contentType) headers['content-type'] = req.contentType;
    headers['content-length'] = req.body.length;
    const path = (req.method.startsWith('/') ? req.method : `/${req.method}`) + (req.query ? `?${req.query}` : '');
    const answer = await callApp(this.channel, req.verb, path, headers, { body: req.body, signal: req.signal });
    return { status: answer.status, headers: {}, body: answer.body };
  }

  close(): void {}
}
