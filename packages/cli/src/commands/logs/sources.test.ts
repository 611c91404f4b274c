import type { RunningApp } from '../../lib/instances';
import { logSources } from './sources';

const base: RunningApp = { appId: 'orders', daprdPid: 10, httpPort: 3500, grpcPort: 0, internalPort: 3501, command: 'node app.js', startedAt: new Date(0) };

it('reads the sidecar log, then the app log, of this run, with run -f prefixes', () => {
  const r = logSources('orders', [{ ...base, runTemplatePath: '/x/dapr.yaml', appLogPath: '/x/a.log', daprdLogPath: '/x/d.log' }]);
  expect(r).toEqual({
    ok: true,
    notes: [],
    sources: [
      { prefix: '== DAPR - orders == ', path: '/x/d.log' },
      { prefix: '== APP - orders == ', path: '/x/a.log' },
    ],
  });
});

it('notes a log that went to the console only', () => {
  const r = logSources('orders', [{ ...base, runTemplatePath: '/x/dapr.yaml', appLogPath: '/x/a.log' }]);
  expect(r).toMatchObject({ ok: true, sources: [{ path: '/x/a.log' }], notes: [expect.stringContaining('daprdLogDestination: console')] });
});

it('explains why there is nothing to show', () => {
  expect(logSources('ghost', [base])).toEqual({ ok: false, error: expect.stringMatching(/^failed to get logs for app id ghost: couldn't find app id ghost; it is not running/) });
  expect(logSources('orders', [base])).toEqual({ ok: false, error: expect.stringContaining('its sidecar was not started by minidapr run') });
  expect(logSources('orders', [{ ...base, runTemplatePath: '/x/dapr.yaml' }])).toEqual({
    ok: false,
    error: expect.stringContaining('its run file /x/dapr.yaml sends its logs to the console only'),
  });
});
