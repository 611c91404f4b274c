// The run shape every minidaprd benchmark shares (next to lib.mjs's helpers): its command line
// (`--json <file>`, `--help`), the checks that the runtime is built and hey is installed, the end
// of a run (results JSON, clean-up, BENCH_STRICT exit code), the BENCH_REDIS address, and the
// orphan guard of the child processes a benchmark starts from its own file.
//
// Node built-ins only. Importing this module has no side effects.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, log, which } from './lib.mjs';

/**
 * Parses `[--json <file>] [-h|--help]`: on --help prints `usage` and returns undefined; otherwise
 * returns `{ jsonFile }` (resolved against the directory npm was started in, if any).
 */
export function parseBenchArgs(argv, usage) {
  let jsonFile;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') jsonFile = argv[++i];
    else if (argv[i].startsWith('--json=')) jsonFile = argv[i].slice(7);
    else if (argv[i] === '-h' || argv[i] === '--help') {
      console.log(`usage: ${usage} [--json <file>]   (env: see the header of this file)`);
      return undefined;
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (argv.includes('--json') && !jsonFile) throw new Error('--json needs a file name');
  if (jsonFile) jsonFile = path.resolve(process.env.INIT_CWD ?? process.cwd(), jsonFile);
  return { jsonFile };
}

/** The minidaprd launcher next to this bench folder; exits 1 when the runtime is not built. */
export function minidaprdBin() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  if (!fs.existsSync(path.resolve(here, '../dist/bin.js'))) {
    console.error('minidaprd is not built: run `npx tsc -p tsconfig.build.json` in packages/runtime first');
    process.exit(1);
  }
  return path.resolve(here, '../bin/minidaprd.js');
}

/** The path of `hey`; exits 1 when it is not installed. */
export function requireHey() {
  const hey = which('hey');
  if (!hey) {
    console.error('hey not found: apt-get install -y hey');
    process.exit(1);
  }
  return hey;
}

/**
 * Ends a run: writes `results` to `jsonFile` (when given, through `replacer`), stops everything,
 * and exits 2 under BENCH_STRICT=1 when a check failed.
 */
export async function finishRun({ jsonFile, results, checks, replacer = null }) {
  if (jsonFile) {
    fs.writeFileSync(jsonFile, JSON.stringify(results, replacer, 2) + '\n');
    log(`results written to ${jsonFile}`);
  }
  await cleanup();
  if (process.env.BENCH_STRICT === '1' && checks.some((c) => c.pass === false)) process.exit(2);
}

/** `host:port` (BENCH_REDIS) as ioredis options; either part may be left out. */
export function redisAddress(spec) {
  const [host, port] = spec.split(':');
  return { host: host || '127.0.0.1', port: Number(port) || 6379 };
}

/** For a benchmark's child process: exit when the benchmark dies (orphaned) or on SIGTERM. */
export function exitWithParent() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0); // orphaned: the bench died
  }, 1000).unref();
  process.on('SIGTERM', () => process.exit(0));
}
