/** Scenario: an invalid Resiliency document stops start-up with a message naming the file, the resource and each bad field. */
import { freePort, minidaprdBin, spawnProcess, stopAll, tempDir } from '@minidapr/testkit';

jest.setTimeout(30000);

const home = tempDir('minidapr-home-');
const res = tempDir('minidapr-res-');

afterAll(async () => {
  await stopAll();
  home.remove();
  res.remove();
});

const BAD = `apiVersion: dapr.io/v1alpha1
kind: Resiliency
metadata:
  name: myresiliency
spec:
  policies:
    retries:
      retryForever:
        policy: constant
        duration: 5x
    circuitBreakers:
      simpleCB:
        trip: failures > 5
  targets:
    apps:
      order-processor:
        retry: retryForever
        timeout: general
`;

it('refuses to start and says why', async () => {
  res.write({ 'resiliency.yaml': BAD });
  const p = spawnProcess(process.execPath, [minidaprdBin(), '--app-id', 'checkout', '--dapr-http-port', String(await freePort()), '--resources-path', res.path], {
    env: { ...process.env, MINIDAPR_HOME: home.path },
  });
  const { code } = await p.exited;
  expect(code).toBe(1);
  const out = p.output();
  expect(out).toMatch(/resiliency\.yaml: Resiliency myresiliency: spec\.policies\.retries\.retryForever\.duration: "5x" is not a duration/);
  expect(out).toMatch(/resiliency\.yaml: Resiliency myresiliency: spec\.policies\.circuitBreakers\.simpleCB\.trip: "failures > 5" is not a supported trip expression: unknown variable "failures"/);
  expect(out).not.toMatch(/ignores Resiliency/);
});
