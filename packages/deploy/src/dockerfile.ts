/**
 * @module dockerfile
 * Just enough of a Dockerfile parser to check it against the repository: stages, ARG defaults,
 * COPY sources (which must exist in the build context and survive its .dockerignore) and the
 * paths its CMD/ENTRYPOINT run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

export interface Dockerfile {
  instructions: Instruction[];
  /** ARG defaults declared before the first FROM. */
  globalArgs: Record<string, string>;
  /** FROM images with the global ARG defaults substituted. */
  froms: string[];
  /** COPY/ADD instructions that take files from the build context (no --from). */
  contextCopies: Array<{ sources: string[]; dest: string; line: number }>;
  /** The final stage's CMD and ENTRYPOINT (exec form) as argument lists. */
  cmd?: string[];
  entrypoint?: string[];
}

/** Joins continuation lines and drops comments and blank lines. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = '';
  let start = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === '' || line.startsWith('#'))) return;
    if (!buf) start = i + 1;
    if (line.endsWith('\\')) {
      buf += line.slice(0, -1) + ' ';
      return;
    }
    buf += line;
    const m = /^(\S+)\s*(.*)$/.exec(buf) as RegExpExecArray;
    out.push({ op: (m[1] as string).toUpperCase(), args: m[2] as string, line: start });
    buf = '';
  });
  return out;
}

function execForm(args: string): string[] | undefined {
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) ? v.map(String) : undefined;
  } catch {
    return undefined;
  }
}

export function parseDockerfile(text: string): Dockerfile {
  const ins = instructions(text);
  const globalArgs: Record<string, string> = {};
  const froms: string[] = [];
  const contextCopies: Dockerfile['contextCopies'] = [];
  let cmd: string[] | undefined;
  let entrypoint: string[] | undefined;
  for (const i of ins) {
    if (i.op === 'ARG' && froms.length === 0) {
      const [k, v = ''] = i.args.split('=');
      globalArgs[(k as string).trim()] = v.trim();
    } else if (i.op === 'FROM') {
      froms.push((i.args.split(/\s+/)[0] as string).replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => globalArgs[n] ?? ''));
      cmd = undefined;
      entrypoint = undefined;
    } else if ((i.op === 'COPY' || i.op === 'ADD') && !/--from=/.test(i.args)) {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      contextCopies.push({ sources: parts.slice(0, -1), dest: parts.at(-1) as string, line: i.line });
    } else if (i.op === 'CMD') cmd = execForm(i.args);
    else if (i.op === 'ENTRYPOINT') entrypoint = execForm(i.args);
  }
  return { instructions: ins, globalArgs, froms, contextCopies, cmd, entrypoint };
}

/** Patterns of a .dockerignore: `*` then `!path` re-includes, and plain paths excluded again. */
export function ignoredBy(patterns: readonly string[], path: string): boolean {
  let ignored = false;
  for (const p of patterns) {
    const negate = p.startsWith('!');
    const pat = negate ? p.slice(1) : p;
    const re = new RegExp(`^${pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '(?:.*/)?').replace(/\*/g, '[^/]*')}(?:/.*)?$`);
    if (re.test(path)) ignored = !negate;
  }
  return ignored;
}

function readIgnore(dockerfile: string, context: string): string[] {
  for (const f of [`${dockerfile}.dockerignore`, join(context, '.dockerignore')]) {
    if (existsSync(f)) {
      return readFileSync(f, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    }
  }
  return [];
}

/** Problems with COPY sources in `context` (paths relative to it in the messages). */
export function checkCopies(dockerfile: string, context: string): string[] {
  const df = parseDockerfile(readFileSync(dockerfile, 'utf8'));
  const ignore = readIgnore(dockerfile, context);
  const where = relative(context, dockerfile);
  const problems: string[] = [];
  for (const c of df.contextCopies) {
    for (const src of c.sources) {
      const rel = src.replace(/^\.\//, '').replace(/\/$/, '');
      if (!existsSync(join(context, rel))) problems.push(`${where}:${c.line}: COPY source ${src} does not exist in the build context`);
      else if (ignoredBy(ignore, rel)) problems.push(`${where}:${c.line}: COPY source ${src} is excluded by the .dockerignore`);
    }
  }
  return problems;
}

/**
 * The source file a command's script argument comes from, in `appDir`: `dist/x/index.js` was
 * compiled from `x/index.ts`; anything else is copied as is.
 */
export function scriptSource(appDir: string, arg: string): string | undefined {
  if (!/\.(js|mjs|cjs|py)$/.test(arg)) return undefined;
  const compiled = /^(?:\.\/)?dist\/(.+)\.js$/.exec(arg);
  return compiled ? join(appDir, `${compiled[1]}.ts`) : join(appDir, arg);
}

/** Problems with the scripts a command runs (`["node", "dist/x/index.js"]`), relative to `appDir`. */
export function checkScripts(command: readonly string[] | undefined, appDir: string, where: string): string[] {
  const problems: string[] = [];
  for (const arg of command ?? []) {
    const src = scriptSource(appDir, arg);
    if (src && !existsSync(src)) problems.push(`${where}: runs ${arg}, but ${relative(dirname(appDir), src)} does not exist`);
  }
  return problems;
}
