/**
 * @module commands/invoke
 * `minidapr invoke --app-id X --method M [--verb V] [--data JSON | --data-file F] [--header k=v]...`:
 * calls the method through X's own sidecar, prints the reply and `App invoked successfully`.
 */
import { ExitError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { httpRequest, sidecarHeaders } from '../../lib/http';
import { runningApps } from '../../lib/instances';
import { processOutput, type Output } from '../../lib/output';
import { invokeMessages as M } from '../../messages';
import { buildInvokeRequest, type InvokeFlags } from './request';

export interface InvokeOptions extends InvokeFlags {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

export async function invoke(options: InvokeOptions): Promise<void> {
  const out = options.output ?? processOutput();
  const env = options.env ?? process.env;
  const req = buildInvokeRequest(options, options.cwd ?? process.cwd());
  const target = runningApps(resolveHome(env)).find((a) => a.appId === options.appId);
  if (!target) throw new ExitError(1, M.notRunning(options.appId));
  let res;
  try {
    res = await httpRequest(req.verb, `http://127.0.0.1:${target.httpPort}${req.path}`, {
      headers: { ...sidecarHeaders(env), ...req.headers },
      body: req.body,
      timeoutMs: 60_000,
    });
  } catch (err) {
    throw new ExitError(1, M.unreachable(options.appId, target.httpPort, (err as Error).message));
  }
  const text = res.body.toString('utf8');
  if (res.status < 200 || res.status >= 300) {
    throw new ExitError(1, [M.httpError(res.status, res.statusText), text].filter(Boolean).join('\n'));
  }
  if (text) out.out(text.replace(/\n$/, ''));
  out.out(M.success);
}
