/**
 * @module netns/image-defaults
 * What an image runs when compose gives no entrypoint or command, read from the Dockerfile it is
 * built from (the package's Dockerfile parser): the final stage's ENTRYPOINT and CMD (exec form),
 * plus its ENV and where its COPY instructions put files from the build context, so a container
 * path such as `ENV ORDERS_FILE=/app/orders.json` can be mapped back to the repository file.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { instructions, parseDockerfile } from '../dockerfile';

export interface ImageDefaults {
  entrypoint?: string[];
  cmd?: string[];
  env: Record<string, string>;
  /** Final-stage COPY/ADD from the build context: container path → path relative to the context. */
  copies: { target: string; source: string }[];
}

function envPairs(args: string, env: Record<string, string>): void {
  const text = args.trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
    const [key = '', ...value] = text.split(/\s+/); // legacy `ENV KEY value`
    env[key] = value.join(' ');
    return;
  }
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const v = m[2] ?? '';
    env[m[1] as string] = v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
  }
}

function copyTargets(args: string, workdir: string): { target: string; source: string }[] {
  const parts = args.split(/\s+/).filter((p) => p && !p.startsWith('--'));
  const sources = parts.slice(0, -1).map((p) => p.replace(/^\.\/|\/$/g, ''));
  const dest = parts.at(-1) ?? '.';
  const into = posix.resolve(workdir, dest);
  // One source to a name copies onto that name; otherwise each lands inside the destination folder.
  if (sources.length === 1 && !dest.endsWith('/')) return [{ target: into, source: sources[0] as string }];
  return sources.map((src) => ({ target: posix.join(into, posix.basename(src)), source: src }));
}

export function imageDefaults(text: string): ImageDefaults {
  const { cmd, entrypoint } = parseDockerfile(text);
  let env: Record<string, string> = {};
  let copies: ImageDefaults['copies'] = [];
  let workdir = '/';
  for (const i of instructions(text)) {
    if (i.op === 'FROM') {
      env = {};
      copies = [];
      workdir = '/';
    } else if (i.op === 'ENV') envPairs(i.args, env);
    else if (i.op === 'WORKDIR') workdir = posix.resolve(workdir, i.args.trim());
    else if ((i.op === 'COPY' || i.op === 'ADD') && !/--from=/.test(i.args)) copies.push(...copyTargets(i.args, workdir));
  }
  return { entrypoint, cmd, env, copies };
}

export function readImageDefaults(dockerfile: string): ImageDefaults {
  return imageDefaults(readFileSync(dockerfile, 'utf8'));
}
