/**
 * Every Dockerfile of images.yaml: COPY sources exist in the build context (the repository root)
 * and survive the Dockerfile's .dockerignore, base images are the pinned ones of images.yaml, the
 * scripts CMD/ENTRYPOINT run exist, and the image runs as a non-root user. Every Dockerfile in the
 * repository is listed in images.yaml. The sidecar and dashboard images' entrypoints and health checks.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { checkCopies, checkDashboardArgs, checkScripts, cliArgsOf, DASHBOARD_IMAGE_KEY, loadImages, parseDockerfile, repoRoot } from '../../../src';

const ROOT = repoRoot();
const images = loadImages();
const entries = Object.entries(images.built);

function findDockerfiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', '.git', 'dist', '.turbo'].includes(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) findDockerfiles(p, out);
    else if (e.name === 'Dockerfile') out.push(relative(ROOT, p));
  }
  return out;
}

it('lists every Dockerfile of the repository in images.yaml', () => {
  const listed = entries.map(([, b]) => b.dockerfile).sort();
  const found = ['packages', 'quickstarts'].flatMap((d) => findDockerfiles(join(ROOT, d))).sort();
  expect(found).toEqual(listed);
});

describe.each(entries)('%s', (_key, { dockerfile }) => {
  const file = join(ROOT, dockerfile);
  const df = parseDockerfile(existsSync(file) ? readFileSync(file, 'utf8') : '');

  it('copies only files that exist in the build context and pass its .dockerignore', () => {
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}.dockerignore`)).toBe(true);
    expect(checkCopies(file, ROOT)).toEqual([]);
  });

  it('builds on pinned base images of images.yaml', () => {
    const bases = new Set(Object.values(images.base));
    const external = df.froms.filter((f) => !df.instructions.some((i) => i.op === 'FROM' && / AS /i.test(i.args) && i.args.split(/\s+/).at(-1) === f));
    expect(external.length).toBeGreaterThan(0);
    expect(external.filter((f) => !bases.has(f))).toEqual([]);
  });

  it('runs scripts that exist, as a numeric non-root user', () => {
    const command = [...(df.entrypoint ?? []), ...(df.cmd ?? [])];
    expect(command.length).toBeGreaterThan(0);
    expect(checkScripts(command, dirname(file), dockerfile)).toEqual([]);
    const user = df.instructions.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user).toMatch(/^[1-9]\d*$/);
  });
});

it('gives the sidecar image a HEALTHCHECK on /v1.0/healthz/outbound and minidaprd as entrypoint', () => {
  const df = parseDockerfile(readFileSync(join(ROOT, images.built.minidaprd?.dockerfile ?? ''), 'utf8'));
  expect(df.instructions.find((i) => i.op === 'HEALTHCHECK')?.args).toContain('/v1.0/healthz/outbound');
  expect(df.entrypoint?.join(' ')).toContain('bin/minidaprd.js');
});

it('gives the dashboard image a HEALTHCHECK on its API and `minidapr dashboard -a 0.0.0.0` as entrypoint, parsed by the CLI', () => {
  const df = parseDockerfile(readFileSync(join(ROOT, images.built[DASHBOARD_IMAGE_KEY]?.dockerfile ?? ''), 'utf8'));
  const { options, problems } = checkDashboardArgs(cliArgsOf(df.entrypoint ?? []) ?? [], 'ENTRYPOINT');
  expect(problems).toEqual([]);
  expect(options).toMatchObject({ address: '0.0.0.0', collector: true, sidecars: [] });
  const health = df.instructions.find((i) => i.op === 'HEALTHCHECK')?.args ?? '';
  expect(health).toContain(`http://127.0.0.1:${options?.port}/api/overview`);
  // The health check runs with what the image has: node, no curl or wget.
  expect(health).toMatch(/CMD \["node", "-e"/);
  // Every EXPOSEd port is one the dashboard listens on.
  const exposed = df.instructions.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/).map(Number));
  expect(exposed.sort()).toEqual([options?.port, options?.zipkinPort, options?.otlpPort].sort());
});
