/**
 * @module options-guards
 * The flag group that guards the sidecar's HTTP ports against browsers and slow clients:
 * --allowed-hosts, --allowed-origins (daprd's name), --read-header-timeout, --read-body-idle-timeout.
 */
import type { FlagDef } from './flag-def';

/** How long a client may take to send the request line and headers (Go's ReadHeaderTimeout). */
export const DEFAULT_READ_HEADER_TIMEOUT_MS = 10_000;
/** How long a request body may stall (no byte arriving) before the request is answered 408. */
export const DEFAULT_READ_BODY_IDLE_TIMEOUT_MS = 60_000;

export interface GuardOptions {
  /** Extra Host names the sidecar answers to (beyond localhost, IP literals, its own names); ['*'] = no check. */
  allowedHosts: string[];
  /** Browser origins allowed to call the API (CORS); [] = none, ['*'] = any (daprd's default). */
  allowedOrigins: string[];
  /** Names the sidecar always answers to: the machine's hostname and $HOSTNAME (container / pod name). */
  ownHostnames: string[];
  readHeaderTimeoutMs: number;
  readBodyIdleTimeoutMs: number;
}

export const GUARD_FLAGS: Record<string, FlagDef> = {
  'allowed-hosts': {
    kind: 'list',
    arg: '<a,b>',
    help: "extra Host names the API answers to; * turns the check off\n(env MINIDAPR_ALLOWED_HOSTS; localhost, IP addresses and this\nmachine's / container's hostname are always allowed)",
  },
  'allowed-origins': {
    kind: 'list',
    arg: '<a,b>',
    help: 'browser origins allowed to call the API (CORS); * allows any\n(env MINIDAPR_ALLOWED_ORIGINS; default: none)',
  },
  'read-header-timeout': { kind: 'duration', arg: '<dur>', help: "time allowed for a request's headers", dflt: `${DEFAULT_READ_HEADER_TIMEOUT_MS / 1000}s` },
  'read-body-idle-timeout': { kind: 'duration', arg: '<dur>', help: 'time a request body may stall before a 408', dflt: `${DEFAULT_READ_BODY_IDLE_TIMEOUT_MS / 1000}s` },
};

export interface GuardFlagReader {
  list(name: string): string[] | undefined;
  duration(name: string, dflt: number): number;
}

export function parseGuardOptions(flags: GuardFlagReader, env: NodeJS.ProcessEnv, machineHostname: string): GuardOptions {
  const fromEnv = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  return {
    allowedHosts: (flags.list('allowed-hosts') ?? fromEnv(env.MINIDAPR_ALLOWED_HOSTS) ?? []).map((h) => h.toLowerCase()),
    allowedOrigins: flags.list('allowed-origins') ?? fromEnv(env.MINIDAPR_ALLOWED_ORIGINS) ?? [],
    ownHostnames: [machineHostname, env.HOSTNAME ?? ''].map((h) => h.toLowerCase()).filter(Boolean),
    readHeaderTimeoutMs: flags.duration('read-header-timeout', DEFAULT_READ_HEADER_TIMEOUT_MS),
    readBodyIdleTimeoutMs: flags.duration('read-body-idle-timeout', DEFAULT_READ_BODY_IDLE_TIMEOUT_MS),
  };
}
