/// <reference types="jest" />
/**
 * @module conformance/bindings
 * The bindings conformance suite (components-contrib tests/conformance/bindings/bindings.go,
 * targets.md 4.3), replayed through a real sidecar over HTTP: output operations go through
 * `POST /v1.0/bindings/{name}`, input events arrive at a real app (the sidecar posts them to
 * `/<name>`). A binding's file passes its component files and the operations it claims, in the
 * contrib config's terms (tests.yml): `operations` (the output side), `read` (the input side), and
 * the operations to exercise (create, get, list, delete; exec, query, close for SQL bindings). The
 * suite starts and stops the app and the sidecar itself. Cases for unclaimed operations are not
 * registered, as in the contrib suite; known failures are registered as skipped with the reason.
 *
 * Over HTTP: "Init" is the sidecar loading the component and listing it in /v1.0/metadata with the
 * OUTPUT_BINDING / INPUT_BINDING capability; "Operations()" is read from daprd's unsupported-operation
 * error; "Close" is a graceful sidecar shutdown (exit 0, every component closed). The SQL cases
 * (when `sqlTable` is given) go beyond the contrib suite: exec/query/close round trips.
 */
import { startApp, type TestApp } from '../apps';
import { startSidecar, type Sidecar } from '../sidecar';
import { waitFor } from '../wait';
import { call, outcome } from './http';
import { requireServiceSync } from '../services-sync';
import { DEFAULT_OUTPUT_DATA, goJson, invokeBinding, listedOperations, responseMetadata } from './bindings-helpers';

export interface BindingsConformanceOptions {
  /** The component name (`metadata.name`) in the resources. */
  bindingName: string;
  /** Component files for the sidecar, as for startSidecar (a function is called when the sidecar starts, e.g. to name a server's port). */
  resources: Record<string, string> | (() => Record<string, string>);
  /** Claimed operations, as in components-contrib tests.yml (see the module comment). */
  operations: readonly string[];
  /** `data` of every output request (default: the contrib suite's CloudEvent array). */
  outputData?: unknown;
  /** Request metadata of every output request (e.g. `{ key }` for Redis, `{ fileName }` for localstorage). */
  outputMetadata?: Record<string, string>;
  /** Per-operation request metadata replacing outputMetadata (e.g. localstorage's list takes a directory). */
  operationMetadata?: Record<string, Record<string, string>>;
  /** How long "verify read" waits for the first input event (default 10 s). */
  readTimeoutMs?: number;
  /** A table name for the SQL round-trip cases (run when exec and query are claimed); the suite drops it. */
  sqlTable?: string;
  /** Backing services: a missing one skips every case (a failure under CI=true). */
  services?: Array<{ name: string; host: string; port: number }>;
  /** Case id → reason: the case is registered as skipped, named "… (known failure: <reason>)". */
  knownFailures?: Record<string, string>;
  appId?: string;
  env?: NodeJS.ProcessEnv;
}

interface Run {
  sidecar?: Sidecar;
  app?: TestApp;
  created: boolean;
}

export function runBindingsConformance(o: BindingsConformanceOptions): void {
  const claimed = new Set(o.operations.map((op) => op.toLowerCase()));
  const has = (op: string): boolean => claimed.has(op);
  let skipAll: string | undefined;
  for (const s of o.services ?? []) skipAll ??= requireServiceSync(s.name, s.host, s.port);
  const data = o.outputData === undefined ? DEFAULT_OUTPUT_DATA : o.outputData;
  const state: Run = { created: false };
  const url = (): string => (state.sidecar as Sidecar).url;
  const metadataFor = (operation: string): Record<string, string> => o.operationMetadata?.[operation] ?? o.outputMetadata ?? {};
  const invoke = (operation: string, metadata = metadataFor(operation), body: unknown = data) => invokeBinding(url(), o.bindingName, operation, body, { ...metadata });
  const reads = (): number => (state.app?.received ?? []).filter((r) => r.method === 'POST' && r.url.split('?')[0] === `/${o.bindingName}`).length;

  const addCase = (id: string, title: string, fn: () => Promise<void>): void => {
    const name = `${id}: ${title}`;
    const reason = skipAll ? `SKIPPED: ${skipAll}` : o.knownFailures?.[id] ? `known failure: ${o.knownFailures[id]}` : undefined;
    if (reason) it.skip(`${name} (${reason})`, () => undefined);
    else it(name, fn);
  };
  const expectOk = (r: { status: number; text: string }, what: string): void => {
    expect({ what, outcome: r.status < 300 ? 'ok' : `${r.status} ${r.text}` }).toEqual({ what, outcome: 'ok' });
  };

  describe(`bindings conformance: ${o.bindingName} [${[...claimed].sort().join(', ')}]`, () => {
    beforeAll(async () => {
      if (skipAll) return;
      // The app answers 200 to everything: the OPTIONS probe and every input event.
      if (has('read')) state.app = await startApp(() => ({ status: 200 }));
      state.sidecar = await startSidecar({ appId: o.appId ?? `bindings-conf-${o.bindingName}`, appPort: state.app?.port, resources: typeof o.resources === 'function' ? o.resources() : o.resources, env: o.env });
    }, 30000);

    afterAll(async () => {
      await state.sidecar?.stop();
      await state.app?.close();
    }, 30000);

    addCase('init', 'the sidecar loads the binding and lists it with the claimed sides', async () => {
      const meta = (await call('GET', `${url()}/v1.0/metadata`)).json as { components?: Array<{ name: string; capabilities?: string[] }> };
      const entry = meta.components?.find((c) => c.name === o.bindingName);
      expect(entry).toBeDefined();
      const caps = entry?.capabilities ?? [];
      if (has('operations')) expect(caps).toContain('OUTPUT_BINDING');
      if (has('read')) expect(caps).toContain('INPUT_BINDING');
    });

    addCase('ping', 'the sidecar reports healthy with the binding loaded', async () => {
      expect((await call('GET', `${url()}/v1.0/healthz`)).status).toBe(204);
    });

    if (has('operations')) {
      addCase('operations', 'every claimed operation is listed (case-insensitive)', async () => {
        const listed = (await listedOperations(url(), o.bindingName)).map((op) => op.toLowerCase());
        const wanted = [...claimed].filter((op) => op !== 'operations' && op !== 'read');
        expect(wanted.filter((op) => !listed.includes(op))).toEqual([]);
      });
    }

    if (has('read')) {
      addCase('read', 'the input binding is registered: the app route is subscribed', async () => {
        const meta = (await call('GET', `${url()}/v1.0/metadata`)).json as { components?: Array<{ name: string; capabilities?: string[] }> };
        expect(meta.components?.find((c) => c.name === o.bindingName)?.capabilities ?? []).toContain('INPUT_BINDING');
      });
    }

    if (has('create')) {
      addCase('create', 'invoking create succeeds', async () => {
        expectOk(await invoke('create'), 'create');
        state.created = true;
      });
    }

    if (has('get')) {
      addCase('get', 'invoking get succeeds and, after create, answers the created bytes', async () => {
        const r = await invoke('get');
        expectOk(r, 'get');
        // daprd hands the component `data` re-encoded by Go's json.Marshal: those are the bytes stored.
        if (state.created) expect(r.text).toBe(goJson(data));
      });
    }

    if (has('list')) {
      addCase('list', 'invoking list succeeds', async () => {
        expectOk(await invoke('list'), 'list');
      });
    }

    if (has('read')) {
      addCase('verify-read', 'the app receives at least one input event', async () => {
        await waitFor(`an input event from ${o.bindingName} at the app`, () => reads() > 0, { timeoutMs: o.readTimeoutMs ?? 10000 });
        expect(reads()).toBeGreaterThan(0);
      });
    }

    if (has('delete')) {
      addCase('delete', 'invoking delete succeeds', async () => {
        expectOk(await invoke('delete'), 'delete');
      });
      if (has('create') && has('get')) {
        addCase('delete-then-get', 'a get after delete answers a response without data', async () => {
          const r = await invoke('get');
          expect({ status: r.status < 300 ? 'ok' : r.status, body: r.text }).toEqual({ status: 'ok', body: '' });
        });
      }
    }

    if (o.sqlTable && has('exec') && has('query')) registerSqlCases(o.sqlTable, has('close'), invoke, addCase);

    addCase('close', 'the sidecar shuts down gracefully, closing the binding', async () => {
      const sidecar = state.sidecar as Sidecar;
      await sidecar.stop();
      expect(await sidecar.process.exited).toEqual({ code: 0, signal: null });
      expect(sidecar.process.output()).toContain('minidaprd stopped');
      state.sidecar = undefined;
    });
  });
}

type Invoke = (operation: string, metadata?: Record<string, string>, body?: unknown) => ReturnType<typeof invokeBinding>;

/** exec/query round trips with the same SQL on every engine; the table is dropped before `close`. */
function registerSqlCases(table: string, claimsClose: boolean, invoke: Invoke, addCase: (id: string, title: string, fn: () => Promise<void>) => void): void {
  const sql = (text: string, params?: unknown[]) => ({ sql: text, ...(params ? { params: JSON.stringify(params) } : {}) });

  addCase('sql.exec', 'exec runs DDL and parameterised DML and reports rows-affected', async () => {
    const created = await invoke('exec', sql(`CREATE TABLE ${table} (orderid INTEGER, customer TEXT, price DOUBLE PRECISION)`), null);
    expect(created.status).toBeLessThan(300);
    const r = await invoke('exec', sql(`INSERT INTO ${table} (orderid, customer, price) VALUES ($1, $2, $3), ($4, $5, $6)`, [1, 'John Smith', 100.32, 2, "Tony 'James'", 35.5]), null);
    expect({ status: r.status, body: r.text }).toEqual({ status: 200, body: '' });
    const meta = responseMetadata(r);
    expect(meta).toMatchObject({ operation: 'exec', 'rows-affected': '2' });
    for (const k of ['start-time', 'end-time']) expect(meta[k]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    expect(meta.duration).toMatch(/^\d+(\.\d+)?(ns|µs|ms|s)$/);
  });

  addCase('sql.query', 'query answers the rows as a JSON array of row arrays', async () => {
    const r = await invoke('query', sql(`SELECT orderid, customer, price FROM ${table} WHERE orderid >= $1 ORDER BY orderid`, [1]), null);
    expect({ status: r.status, body: r.text, type: r.headers.get('content-type') }).toEqual({
      status: 200,
      body: `[[1,"John Smith",100.32],[2,"Tony 'James'",35.5]]`,
      type: 'application/json',
    });
    expect(responseMetadata(r)).toMatchObject({ operation: 'query' });
    expect((await invoke('query', sql(`SELECT orderid FROM ${table} WHERE orderid = $1`, [42]), null)).text).toBe('[]');
  });

  addCase('sql.errors', 'a missing sql, bad params and bad SQL are ERR_INVOKE_OUTPUT_BINDING errors', async () => {
    const missing = await invoke('exec', {}, null);
    expect(outcome(missing)).toMatchObject({ status: 500, errorCode: 'ERR_INVOKE_OUTPUT_BINDING', message: expect.stringContaining('required metadata not set: sql') });
    const badParams = await invoke('query', { sql: 'SELECT 1', params: '{"not":"an array"}' }, null);
    expect(outcome(badParams)).toMatchObject({ status: 500, message: expect.stringContaining('invalid metadata property params') });
    const badSql = await invoke('query', sql('SELEC 1'), null);
    expect(outcome(badSql)).toMatchObject({ status: 500, message: expect.stringContaining('error executing query') });
  });

  addCase('sql.close', 'the table is dropped; close answers 204 and later calls fail', async () => {
    expect((await invoke('exec', sql(`DROP TABLE ${table}`), null)).status).toBe(200);
    if (!claimsClose) return;
    expect((await invoke('close', {}, null)).status).toBe(204);
    expect(outcome(await invoke('query', sql('SELECT 1'), null))).toMatchObject({ status: 500, message: expect.stringContaining('component is closed') });
  });
}
