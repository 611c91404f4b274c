/**
 * @module netns/ip
 * The `ip` command (iproute2), run synchronously: every network object the netns runner creates
 * goes through here, so a failure names the exact command and what `ip` said.
 */
import { execFileSync } from 'node:child_process';

export class IpCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
  ) {
    super(`ip ${args.join(' ')} failed: ${stderr.trim() || 'no output'}`);
    this.name = 'IpCommandError';
  }
}

/** Runs `ip <args>` and returns its stdout; throws IpCommandError with ip's message on failure. */
export function ip(args: string[]): string {
  try {
    return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10000 });
  } catch (err) {
    const e = err as { stderr?: string | Buffer; message: string };
    throw new IpCommandError(args, e.stderr ? String(e.stderr) : e.message);
  }
}

/** Like ip(), for teardown: failures are collected instead of thrown, so cleanup goes on. */
export function ipQuiet(args: string[], errors: string[] = []): void {
  try {
    ip(args);
  } catch (err) {
    errors.push((err as Error).message);
  }
}

/** `ip` arguments that run `args` in the named namespace `ns`, or in the caller's own when undefined. */
export function inNs(ns: string | undefined, args: string[]): string[] {
  return ns === undefined ? args : ['-n', ns, ...args];
}

/** The IPv4 prefixes (`a.b.c.d/n`) the machine (or namespace `ns`) already uses: interface addresses and routes. */
export function usedIpv4Prefixes(ns?: string): string[] {
  const text = `${ip(inNs(ns, ['-4', '-o', 'addr', 'show']))}\n${ip(inNs(ns, ['-4', 'route', 'show', 'table', 'all']))}`;
  const found = new Set<string>();
  for (const m of text.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g)) found.add(`${m[1]}${m[2] ?? '/32'}`);
  return [...found];
}
