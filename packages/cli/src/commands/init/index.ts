/**
 * @module commands/init
 * `minidapr init [--slim]`: create MINIDAPR_HOME with config.yaml, the default components and the
 * trust root for mTLS between sidecars (certs/ca.crt, issuer.crt, issuer.key).
 * Idempotent; a file whose content differs from what init would write is the user's and is kept,
 * and an existing trust root is never replaced.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CA_CERT_FILE, CERTS_DIR, DEFAULT_TRUST_DOMAIN, ensureTrustRoot } from '@minidapr/runtime';
import { resolveHome } from '../../lib/home';
import { processOutput, type Output } from '../../lib/output';
import { initMessages as M } from '../../messages';
import { absolute, initFiles } from './files';

export interface InitOptions {
  /** Accepted for Dapr compatibility; minidapr never starts containers, so it changes nothing. */
  slim?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

export type InitFileStatus = 'created' | 'unchanged' | 'kept' | 'updated';

export interface InitResult {
  home: string;
  files: Array<{ path: string; status: InitFileStatus }>;
  /** The trust anchor of mTLS between sidecars (with issuer.crt and issuer.key beside it). */
  trustRoot?: { path: string; status: 'created' | 'kept' };
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function init(options: InitOptions = {}): Promise<InitResult> {
  const out = options.output ?? processOutput();
  const home = resolveHome(options.env ?? process.env);
  out.out(M.start);
  out.out(M.home(home));
  if (options.slim) out.out(M.slim);
  mkdirSync(absolute(home, 'components'), { recursive: true });
  const result: InitResult = { home, files: [] };
  for (const f of initFiles(home)) {
    const file = absolute(home, f.path);
    const existing = readIfExists(file);
    let status: InitFileStatus;
    if (existing === undefined) {
      mkdirSync(dirname(file), { recursive: true });
      // 'wx': never replace a file that appeared since we looked
      writeFileSync(file, f.content, { flag: 'wx' });
      status = 'created';
      out.out(M.created(file, f.what));
    } else if (existing === f.content) {
      status = 'unchanged';
      out.out(M.unchanged(file));
    } else if (f.previous?.includes(existing)) {
      writeFileSync(file, f.content);
      status = 'updated';
      out.out(M.updated(file, f.what));
    } else {
      status = 'kept';
      out.out(M.kept(file));
    }
    result.files.push({ path: file, status });
  }
  const certs = join(home, CERTS_DIR);
  const root = await ensureTrustRoot(certs, DEFAULT_TRUST_DOMAIN);
  out.out(root === 'created' ? M.trustRootCreated(certs) : M.trustRootKept(certs));
  result.trustRoot = { path: join(certs, CA_CERT_FILE), status: root };
  out.out(M.success);
  return result;
}
