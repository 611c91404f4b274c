/**
 * @module commands/uninstall
 * `minidapr uninstall [--all]`: without --all, remove only the files init wrote that are still
 * unchanged (and folders left empty) and the single runs' log files, but keep the mTLS trust root; with --all, remove MINIDAPR_HOME
 * entirely.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { ExitError } from '../../errors';
import { homeComponentsDir, resolveHome } from '../../lib/home';
import { runningApps } from '../../lib/instances';
import { processOutput, type Output } from '../../lib/output';
import { uninstallMessages as M } from '../../messages';
import { absolute, initFiles } from '../init/files';

export interface UninstallOptions {
  all?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

export interface UninstallResult {
  removed: string[];
  kept: string[];
}

function removeIfEmpty(dir: string, removed: string[], out: Output): void {
  try {
    if (readdirSync(dir).length === 0) {
      rmdirSync(dir);
      removed.push(dir);
      out.out(M.removed(dir));
    }
  } catch {
    /* missing or not empty */
  }
}

export async function uninstall(options: UninstallOptions = {}): Promise<UninstallResult> {
  const out = options.output ?? processOutput();
  const home = resolveHome(options.env ?? process.env);
  const result: UninstallResult = { removed: [], kept: [] };
  if (!existsSync(home)) {
    out.out(M.nothing(home));
    return result;
  }
  if (options.all) {
    const running = runningApps(home);
    if (running.length > 0) throw new ExitError(1, M.running(running.map((r) => r.appId)));
    rmSync(home, { recursive: true, force: true });
    result.removed.push(home);
    out.out(M.removed(home));
    out.out(M.success);
    return result;
  }
  for (const f of initFiles(home)) {
    const file = absolute(home, f.path);
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (content === f.content) {
      rmSync(file);
      result.removed.push(file);
      out.out(M.removed(file));
    } else {
      result.kept.push(file);
      out.out(M.kept(file));
    }
  }
  // The trust root is a key, not a file init can recreate unchanged: keep it and say so.
  const certs = absolute(home, 'certs');
  if (existsSync(certs)) {
    result.kept.push(certs);
    out.out(M.keptTrustRoot(certs));
  }
  // Log files of single runs (MINIDAPR_HOME/logs/<appId>) are minidapr's own output, not yours.
  const logs = absolute(home, 'logs');
  if (existsSync(logs)) {
    const running = runningApps(home);
    if (running.length === 0) {
      rmSync(logs, { recursive: true, force: true });
      result.removed.push(logs);
      out.out(M.removed(logs));
    } else {
      result.kept.push(logs);
      out.out(M.keptLogs(logs, running.map((r) => r.appId)));
    }
  }
  removeIfEmpty(homeComponentsDir(home), result.removed, out);
  removeIfEmpty(absolute(home, 'instances'), result.removed, out);
  removeIfEmpty(home, result.removed, out);
  if (result.removed.length === 0 && result.kept.length === 0) out.out(M.nothing(home));
  else out.out(M.success);
  return result;
}
