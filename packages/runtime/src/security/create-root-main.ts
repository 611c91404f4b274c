/**
 * @module security/create-root-main
 * `minidaprd-create-trust-root --out <dir> [--trust-domain <domain>]`: the trust root without the
 * CLI, for the runtime image (a compose one-shot service writes it into a shared volume). Keeps a
 * complete root that is already there; an incomplete one is an error naming the files found.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../errors/startup';
import { DEFAULT_TRUST_DOMAIN } from './peer-identity';
import { ensureTrustRoot } from './trust-root';

export const CREATE_ROOT_USAGE = `Usage: minidaprd-create-trust-root --out <dir> [--trust-domain <domain>]

Creates ca.crt, issuer.crt and issuer.key (mode 0600) in <dir> unless they are already there.
  --out <dir>               where to write the trust root (created if missing)
  --trust-domain <domain>   the trust domain of the root (default: ${DEFAULT_TRUST_DOMAIN})
`;

interface Sink {
  out(line: string): void;
  err(line: string): void;
}

function parse(argv: readonly string[]): { out?: string; trustDomain: string; help: boolean; errors: string[] } {
  const r = { out: undefined as string | undefined, trustDomain: DEFAULT_TRUST_DOMAIN, help: false, errors: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const eq = a.indexOf('=');
    const [name, inline] = a.startsWith('--') && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    if (name === '--help' || name === '-h') r.help = true;
    else if (name === '--out' || name === '-o' || name === '--trust-domain') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') r.errors.push(`${name} needs a value`);
      else if (name === '--trust-domain') r.trustDomain = value;
      else r.out = value;
    } else r.errors.push(`unknown argument ${a}`);
  }
  if (!r.help && r.out === undefined && r.errors.length === 0) r.errors.push('--out <dir> is required');
  return r;
}

/** Runs the command; resolves to its exit code. */
export async function createRootMain(argv: readonly string[], cwd: string, sink: Sink): Promise<number> {
  const p = parse(argv);
  if (p.help) {
    sink.out(CREATE_ROOT_USAGE);
    return 0;
  }
  if (p.errors.length > 0 || p.out === undefined) {
    sink.err(`minidaprd-create-trust-root: ${p.errors.join('; ')}\n\n${CREATE_ROOT_USAGE}`);
    return 1;
  }
  const dir = resolve(cwd, p.out);
  try {
    const status = await ensureTrustRoot(dir, p.trustDomain);
    sink.out(status === 'created' ? `Created the mTLS trust root in ${dir} (ca.crt, issuer.crt, issuer.key)` : `Kept the mTLS trust root in ${dir}`);
    return 0;
  } catch (err) {
    const issues = err instanceof ConfigError ? err.issues : [`${dir}: ${(err as Error).message}`];
    sink.err(issues.map((i) => `minidaprd-create-trust-root: ${i}`).join('\n'));
    return 1;
  }
}

/** The bin entry (bin/create-trust-root.js). */
export function main(argv: string[]): void {
  void createRootMain(argv, process.cwd(), {
    out: (l) => process.stdout.write(`${l.replace(/\n$/, '')}\n`),
    err: (l) => process.stderr.write(`${l.replace(/\n$/, '')}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
