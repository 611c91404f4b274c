import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSingleRunLogs, singleRunLogDir } from './log-files';

it('writes the sidecar and app logs under MINIDAPR_HOME/logs/<appId>', async () => {
  const home = mkdtempSync(join(tmpdir(), 'minidapr-logs-'));
  try {
    const logs = openSingleRunLogs(home, 'orders', true, new Date(2026, 0, 2, 3, 4, 5));
    expect(logs?.daprd.path).toBe(join(singleRunLogDir(home, 'orders'), 'orders_daprd_20260102030405.log'));
    expect(logs?.app?.path).toBe(join(home, 'logs', 'orders', 'orders_app_20260102030405.log'));
    logs?.daprd.write('sidecar line\n');
    logs?.app?.write(Buffer.from('app line\n'));
    await logs?.daprd.close();
    await logs?.app?.close();
    expect(readFileSync(logs?.daprd.path ?? '', 'utf8')).toBe('sidecar line\n');
    expect(readFileSync(logs?.app?.path ?? '', 'utf8')).toBe('app line\n');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

it('opens no app log for a sidecar-only run', async () => {
  const home = mkdtempSync(join(tmpdir(), 'minidapr-logs-'));
  try {
    const logs = openSingleRunLogs(home, 'solo', false);
    expect(logs?.app).toBeUndefined();
    await logs?.daprd.close();
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
