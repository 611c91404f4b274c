/**
 * @module pages/app-explorer
 * The API explorer: sends an invocation, a publish, or a state get/save through this app's sidecar
 * (POST /api/apps/:appId/explore) and shows the status, headers, body and latency, with a link to
 * the trace the request produced.
 */
import { useState } from 'preact/hooks';
import { api } from '../api/client';
import type { AppDetail, ExploreRequest, ExploreResult, Verb } from '../api/types';
import { ErrorBox, KeyValues, StatusBadge } from '../components/common';
import { formatMs } from '../lib/format';
import { parseHeaders } from '../lib/headers';
import { useLive } from '../lib/live';
import { href } from '../lib/route';

type Kind = ExploreRequest['kind'];
const KINDS: { kind: Kind; label: string }[] = [
  { kind: 'invoke', label: 'Invoke' },
  { kind: 'publish', label: 'Publish' },
  { kind: 'state-get', label: 'Get state' },
  { kind: 'state-save', label: 'Save state' },
];
const VERBS: Verb[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

function componentNames(detail: AppDetail | undefined, prefix: string): string[] {
  return (detail?.metadata?.components ?? []).filter((c) => c.type.startsWith(prefix)).map((c) => c.name);
}

function prettyBody(body: string, headers: Record<string, string>): string {
  const ct = Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (ct.includes('json') || /^\s*[[{]/.test(body)) {
    try {
      return JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      return body;
    }
  }
  return body;
}

export function AppExplorer({ appId, detail }: { appId: string; detail: AppDetail | undefined }) {
  const apps = useLive('apps');
  const [kind, setKind] = useState<Kind>('invoke');
  const [target, setTarget] = useState(appId);
  const [verb, setVerb] = useState<Verb>('GET');
  const [method, setMethod] = useState('');
  const [headers, setHeaders] = useState('');
  const [body, setBody] = useState('');
  const pubsubs = componentNames(detail, 'pubsub.');
  const stores = componentNames(detail, 'state.');
  const [pubsub, setPubsub] = useState('');
  const [topic, setTopic] = useState('');
  const [data, setData] = useState('{"orderId": 1}');
  const [contentType, setContentType] = useState('application/json');
  const [store, setStore] = useState('');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('{"orderId": 1}');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [result, setResult] = useState<ExploreResult | undefined>();

  const build = (): ExploreRequest | string => {
    switch (kind) {
      case 'invoke': {
        const h = parseHeaders(headers);
        if (h.errors.length) return `Headers: ${h.errors.join('; ')}`;
        if (!target.trim()) return 'Target app is required';
        return { kind, targetAppId: target.trim(), verb, method: method.trim().replace(/^\/+/, ''), headers: h.headers, ...(body && verb !== 'GET' ? { body } : {}) };
      }
      case 'publish':
        if (!(pubsub || pubsubs[0]) || !topic.trim()) return 'Pub/sub and topic are required';
        return { kind, pubsub: pubsub || pubsubs[0]!, topic: topic.trim(), data, ...(contentType ? { contentType } : {}) };
      case 'state-get':
        if (!(store || stores[0]) || !key.trim()) return 'Store and key are required';
        return { kind, store: store || stores[0]!, key: key.trim() };
      case 'state-save':
        if (!(store || stores[0]) || !key.trim()) return 'Store and key are required';
        try {
          JSON.parse(value);
        } catch {
          return 'Value must be JSON text (e.g. "text" in quotes, a number, or an object)';
        }
        return { kind, store: store || stores[0]!, key: key.trim(), value };
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const req = build();
    if (typeof req === 'string') {
      setError(req);
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api.explore(appId, req));
    } catch (err) {
      setResult(undefined);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const appIds = [...new Set([appId, ...(apps ?? []).map((a) => a.appId)])].sort();

  return (
    <div class="explorer" data-testid="explorer">
      <form class="card form" onSubmit={submit} aria-labelledby="h-explorer" data-testid="explorer-form">
        <h2 id="h-explorer">Send a request through {appId}'s sidecar</h2>
        <fieldset class="segmented">
          <legend>Request kind</legend>
          {KINDS.map((k) => (
            <label key={k.kind} class={kind === k.kind ? 'active' : ''}>
              <input type="radio" name="kind" value={k.kind} checked={kind === k.kind} onChange={() => setKind(k.kind)} data-testid={`explore-kind-${k.kind}`} />
              {k.label}
            </label>
          ))}
        </fieldset>
        {kind === 'invoke' && (
          <>
            <div class="row">
              <label class="field field-narrow">
                <span>Verb</span>
                <select value={verb} onChange={(e) => setVerb((e.currentTarget as HTMLSelectElement).value as Verb)} data-testid="explore-verb">
                  {VERBS.map((v) => (
                    <option key={v}>{v}</option>
                  ))}
                </select>
              </label>
              <label class="field">
                <span>Target app</span>
                <input list="explore-apps" value={target} onInput={(e) => setTarget((e.currentTarget as HTMLInputElement).value)} required data-testid="explore-target" />
                <datalist id="explore-apps">
                  {appIds.map((a) => (
                    <option key={a} value={a} />
                  ))}
                </datalist>
              </label>
              <label class="field">
                <span>Method</span>
                <input value={method} placeholder="orders" onInput={(e) => setMethod((e.currentTarget as HTMLInputElement).value)} data-testid="explore-method" />
              </label>
            </div>
            <label class="field">
              <span>Headers (one "Name: value" per line)</span>
              <textarea rows={2} value={headers} placeholder="content-type: application/json" onInput={(e) => setHeaders((e.currentTarget as HTMLTextAreaElement).value)} data-testid="explore-headers" />
            </label>
            <label class="field">
              <span>Body{verb === 'GET' ? ' (not sent with GET)' : ''}</span>
              <textarea rows={4} value={body} onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} data-testid="explore-body" />
            </label>
          </>
        )}
        {kind === 'publish' && (
          <>
            <div class="row">
              <label class="field">
                <span>Pub/sub</span>
                <input list="explore-pubsubs" value={pubsub} placeholder={pubsubs[0] ?? 'pubsub'} onInput={(e) => setPubsub((e.currentTarget as HTMLInputElement).value)} data-testid="explore-pubsub" />
                <datalist id="explore-pubsubs">
                  {pubsubs.map((p) => (
                    <option key={p} value={p} />
                  ))}
                </datalist>
              </label>
              <label class="field">
                <span>Topic</span>
                <input value={topic} placeholder="orders" onInput={(e) => setTopic((e.currentTarget as HTMLInputElement).value)} required data-testid="explore-topic" />
              </label>
              <label class="field">
                <span>Content type</span>
                <input value={contentType} onInput={(e) => setContentType((e.currentTarget as HTMLInputElement).value)} data-testid="explore-content-type" />
              </label>
            </div>
            <label class="field">
              <span>Data</span>
              <textarea rows={4} value={data} onInput={(e) => setData((e.currentTarget as HTMLTextAreaElement).value)} data-testid="explore-data" />
            </label>
          </>
        )}
        {(kind === 'state-get' || kind === 'state-save') && (
          <>
            <div class="row">
              <label class="field">
                <span>State store</span>
                <input list="explore-stores" value={store} placeholder={stores[0] ?? 'statestore'} onInput={(e) => setStore((e.currentTarget as HTMLInputElement).value)} data-testid="explore-store" />
                <datalist id="explore-stores">
                  {stores.map((s) => (
                    <option key={s} value={s} />
                  ))}
                </datalist>
              </label>
              <label class="field">
                <span>Key</span>
                <input value={key} onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)} required data-testid="explore-key" />
              </label>
            </div>
            {kind === 'state-save' && (
              <label class="field">
                <span>Value (JSON)</span>
                <textarea rows={4} value={value} onInput={(e) => setValue((e.currentTarget as HTMLTextAreaElement).value)} data-testid="explore-value" />
              </label>
            )}
          </>
        )}
        <div class="row">
          <button type="submit" class="btn btn-primary" disabled={busy} data-testid="explore-send">
            {busy ? 'Sending…' : 'Send'}
          </button>
        </div>
        {error && <ErrorBox error={error} />}
      </form>
      <section class="card" aria-labelledby="h-response" aria-live="polite" data-testid="explore-result">
        <h2 id="h-response">Response</h2>
        {!result ? (
          <p class="muted">Send a request to see the response here.</p>
        ) : (
          <div class="stack">
            <p class="result-line">
              <StatusBadge status={result.response.status} />{' '}
              <span data-testid="explore-latency">{formatMs(result.response.durationMs)}</span>{' '}
              <code class="muted" data-testid="explore-url">
                {result.request.method} {result.request.url}
              </code>
            </p>
            {result.traceId && (
              <p>
                <a class="btn" href={href.trace(result.traceId)} data-testid="explore-trace-link">
                  View trace <span class="mono">{result.traceId.slice(0, 8)}</span>
                </a>
              </p>
            )}
            <h3>Headers</h3>
            <KeyValues entries={Object.entries(result.response.headers)} label="Response headers" testId="explore-headers-out" />
            <h3>Body</h3>
            {result.response.body ? (
              <pre class="code" tabIndex={0} aria-label="Response body" data-testid="explore-body-out">
                <code>{prettyBody(result.response.body, result.response.headers)}</code>
              </pre>
            ) : (
              <p class="muted" data-testid="explore-body-out">
                (empty body)
              </p>
            )}
            <details>
              <summary>Request sent</summary>
              <KeyValues entries={Object.entries(result.request.headers)} label="Request headers" />
              {result.request.body && (
                <pre class="code">
                  <code>{result.request.body}</code>
                </pre>
              )}
            </details>
          </div>
        )}
      </section>
    </div>
  );
}
