/**
 * @module pages/app-logs
 * An app's logs: the last lines from GET …/logs, then new lines from the per-app SSE stream
 * (`event: log`). The source filter restarts both; auto-scroll follows the end unless turned off.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { LogLine, LogSource } from '../api/types';
import { EmptyState, ErrorBox } from '../components/common';

const MAX_LINES = 5000;
type SourceFilter = LogSource | 'all';

export function AppLogs({ appId }: { appId: string }) {
  const [source, setSource] = useState<SourceFilter>('all');
  const [lines, setLines] = useState<LogLine[]>([]);
  const [note, setNote] = useState<string | undefined>();
  const [paths, setPaths] = useState<{ source: LogSource; path: string }[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [streaming, setStreaming] = useState(false);
  const [autoScroll, setAutoScroll] = useState(true);
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    let es: EventSource | undefined;
    setLines([]);
    setError(undefined);
    setStreaming(false);
    api.logs(appId, source).then(
      (res) => {
        if (cancelled) return;
        setLines(res.lines.slice(-MAX_LINES));
        setNote(res.note);
        setPaths(res.sources);
        es = new EventSource(api.logStreamUrl(appId, source));
        es.onopen = () => setStreaming(true);
        es.onerror = () => setStreaming(false);
        const onLine = (ev: Event) => {
          let line: LogLine;
          try {
            line = JSON.parse((ev as MessageEvent<string>).data) as LogLine;
          } catch {
            return;
          }
          setLines((prev) => {
            const next = prev.length >= MAX_LINES ? prev.slice(prev.length - MAX_LINES + 1) : prev.slice();
            next.push(line);
            return next;
          });
        };
        es.addEventListener('log', onLine);
        es.onmessage = onLine; // a stream that sends unnamed events works too
      },
      (err: Error) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
      es?.close();
    };
  }, [appId, source]);

  useEffect(() => {
    if (autoScroll && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines, autoScroll]);

  return (
    <div class="stack" data-testid="app-logs">
      <div class="toolbar">
        <label>
          Source{' '}
          <select value={source} onChange={(e) => setSource((e.currentTarget as HTMLSelectElement).value as SourceFilter)} data-testid="log-source">
            <option value="all">App and sidecar</option>
            <option value="app">App</option>
            <option value="sidecar">Sidecar</option>
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={autoScroll} onChange={(e) => setAutoScroll((e.currentTarget as HTMLInputElement).checked)} data-testid="log-autoscroll" />{' '}
          Auto-scroll
        </label>
        <button type="button" class="btn" onClick={() => setLines([])} data-testid="log-clear">
          Clear
        </button>
        <span class={`conn ${streaming ? 'conn-open' : 'conn-connecting'}`} data-testid="log-stream-status" data-state={streaming ? 'open' : 'connecting'}>
          <span aria-hidden="true" class="conn-dot" />
          {streaming ? 'Streaming' : 'Not streaming'}
        </span>
      </div>
      {paths.length > 0 && (
        <p class="muted small">
          {paths.map((p) => (
            <span key={p.source} class="log-path">
              {p.source}: <code>{p.path}</code>{' '}
            </span>
          ))}
        </p>
      )}
      {note && (
        <p class="notice" role="status">
          {note}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {!error && lines.length === 0 ? (
        <EmptyState testId="logs-empty">No log lines yet.</EmptyState>
      ) : (
        <div class="logs" ref={box} tabIndex={0} role="log" aria-label={`Logs of ${appId}`} aria-live="off" data-testid="log-lines">
          {lines.map((l, i) => (
            <div key={i} class={`log-line log-${l.source}`} data-source={l.source}>
              <span class="log-src">{l.source === 'app' ? 'app' : 'dapr'}</span>
              <span class="log-text">{l.text}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
