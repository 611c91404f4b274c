/**
 * @module commands/invoke/request
 * `minidapr invoke` flags → the HTTP request for the target's sidecar
 * (`<verb> /v1.0/invoke/<app-id>/method/<method>`), validated before anything is sent.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_INVOKE_VERB } from '../../defaults';
import { ConfigError } from '../../errors';
import { invokeMessages as M } from '../../messages';

export interface InvokeFlags {
  appId: string;
  method: string;
  verb?: string;
  data?: string;
  dataFile?: string;
  header?: string[];
}

export interface InvokeRequest {
  verb: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export function buildInvokeRequest(f: InvokeFlags, cwd: string): InvokeRequest {
  const issues: string[] = [];
  const verb = (f.verb ?? DEFAULT_INVOKE_VERB).toUpperCase();
  if (!/^[A-Z]+$/.test(verb)) issues.push(`--verb: must be an HTTP method like GET or POST, got "${f.verb}"`);
  const method = f.method.replace(/^\/+/, '');
  if (!method) issues.push('--method: must not be empty');
  if (!f.appId) issues.push('--app-id: must not be empty');
  let body: Buffer | undefined;
  if (f.data !== undefined && f.dataFile !== undefined) issues.push(M.bothData);
  else if (f.data !== undefined) {
    try {
      JSON.parse(f.data);
      body = Buffer.from(f.data);
    } catch (err) {
      issues.push(M.badJson((err as Error).message));
    }
  } else if (f.dataFile !== undefined) {
    try {
      body = readFileSync(resolve(cwd, f.dataFile));
    } catch (err) {
      issues.push(M.dataFile(f.dataFile, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message));
    }
  }
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  for (const h of f.header ?? []) {
    const eq = h.indexOf('=');
    if (eq <= 0) issues.push(M.badHeader(h));
    else headers[h.slice(0, eq).trim().toLowerCase()] = h.slice(eq + 1);
  }
  if (issues.length > 0) throw new ConfigError(issues, 'invoke');
  return { verb, path: `/v1.0/invoke/${f.appId}/method/${method}`, headers, body };
}
