/**
 * Scenario: whoever started the sidecar goes away and its stdout/stderr pipes close. The next log
 * line fails with EPIPE; like daprd (which dies of SIGPIPE there), the sidecar shuts down instead
 * of logging the failed write in a loop (which kept orphaned sidecars busy forever).
 */
import { freePort, minidaprdBin, spawnProcess, stopAll, tempDir, waitFor } from '@minidapr/testkit';

jest.setTimeout(30000);

afterAll(async () => {
  await stopAll();
});

it('shuts down when its output is closed, instead of spinning on the failed writes', async () => {
  const home = tempDir('minidapr-home-');
  const res = tempDir('minidapr-res-');
  try {
    const httpPort = await freePort();
    const p = spawnProcess(process.execPath, [minidaprdBin(), '--app-id', 'orphan', '--dapr-http-port', String(httpPort), '--dapr-grpc-port', String(await freePort()),
      '--metrics-port', String(await freePort()), '--resources-path', res.path, '--enable-api-logging'], { env: { ...process.env, MINIDAPR_HOME: home.path } });
    await p.waitForOutput('HTTP API listening');
    // The reader goes away: both pipes are closed on our side.
    p.child.stdout?.destroy();
    p.child.stderr?.destroy();
    // An API call with API logging on writes a log line: the first write to fail.
    await waitFor('the sidecar to exit', async () => {
      await fetch(`http://127.0.0.1:${httpPort}/v1.0/metadata`).catch(() => undefined);
      return p.child.exitCode !== null || p.child.signalCode !== null;
    }, { timeoutMs: 15000 });
    expect(await p.exited).toEqual({ code: 0, signal: null });
  } finally {
    home.remove();
    res.remove();
  }
});
