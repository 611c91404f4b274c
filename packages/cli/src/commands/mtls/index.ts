/**
 * @module commands/mtls
 * `minidapr mtls create-root [-o <dir>] [--trust-domain <domain>]`: the trust root of mTLS between
 * sidecars without a full init, e.g. for a Kubernetes Secret or a compose volume. The runtime's
 * ensureTrustRoot does the work: a complete root already there is kept, an incomplete one refused.
 */
import { join, resolve } from 'node:path';
import { CERTS_DIR, DEFAULT_TRUST_DOMAIN, ensureTrustRoot, type TrustRootStatus } from '@minidapr/runtime';
import { ConfigError } from '../../errors';
import { resolveHome } from '../../lib/home';
import { processOutput, type Output } from '../../lib/output';
import { mtlsMessages as M } from '../../messages';

export interface CreateRootOptions {
  out?: string;
  trustDomain?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output?: Output;
}

/** SPIFFE trust domains: lower-case letters, digits, dots, dashes, underscores. */
const TRUST_DOMAIN = /^[a-z0-9._-]+$/;

export async function createRoot(opts: CreateRootOptions = {}): Promise<{ dir: string; status: TrustRootStatus }> {
  const out = opts.output ?? processOutput();
  const trustDomain = opts.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  if (!TRUST_DOMAIN.test(trustDomain)) throw new ConfigError([M.badTrustDomain(trustDomain)], 'mtls create-root');
  const dir = opts.out ? resolve(opts.cwd ?? process.cwd(), opts.out) : join(resolveHome(opts.env ?? process.env), CERTS_DIR);
  let status: TrustRootStatus;
  try {
    status = await ensureTrustRoot(dir, trustDomain);
  } catch (err) {
    const issues = (err as { issues?: unknown }).issues;
    if (Array.isArray(issues)) throw new ConfigError(issues.map(String), 'mtls create-root');
    throw new ConfigError([M.cannotWrite(dir, (err as Error).message)], 'mtls create-root');
  }
  out.out(status === 'created' ? M.created(dir) : M.kept(dir));
  out.out(M.secretHint(dir));
  return { dir, status };
}
