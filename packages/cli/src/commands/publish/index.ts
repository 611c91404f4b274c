/**
 * @module commands/publish
 * `minidapr publish --publish-app-id X --pubsub P --topic T (--data JSON | --data-file F) [--metadata k=v]...`:
 * publishes through X's own sidecar and prints `Event published successfully`.
 */
import { ExitError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { httpRequest, sidecarHeaders } from '../../lib/http';
import { runningApps } from '../../lib/instances';
import { processOutput, type Output } from '../../lib/output';
import { publishMessages as M } from '../../messages';
import { buildPublishRequest, type PublishFlags } from './request';

export interface PublishOptions extends PublishFlags {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

export async function publish(options: PublishOptions): Promise<void> {
  const out = options.output ?? processOutput();
  const env = options.env ?? process.env;
  const req = buildPublishRequest(options, options.cwd ?? process.cwd());
  const publisher = runningApps(resolveHome(env)).find((a) => a.appId === options.publishAppId);
  if (!publisher) throw new ExitError(1, M.notRunning(options.publishAppId));
  let res;
  try {
    res = await httpRequest('POST', `http://127.0.0.1:${publisher.httpPort}${req.path}`, {
      headers: { ...sidecarHeaders(env), ...req.headers },
      body: req.body,
      timeoutMs: 60_000,
    });
  } catch (err) {
    throw new ExitError(1, M.unreachable(options.publishAppId, publisher.httpPort, (err as Error).message));
  }
  if (res.status < 200 || res.status >= 300) {
    throw new ExitError(1, [M.httpError(res.status, res.statusText), res.body.toString('utf8')].filter(Boolean).join('\n'));
  }
  out.out(M.success);
}
