import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DESCRIPTORS } from './descriptors';
import { CATEGORIES } from './types';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('component descriptors', () => {
  it('name each type once, in its category, lower case, at v1', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const d of DESCRIPTORS) {
      for (const name of [d.type, ...d.aliases]) {
        if (!name.startsWith(`${d.category}.`)) problems.push(`${name}: not in category ${d.category}`);
        if (name !== name.toLowerCase()) problems.push(`${name}: not lower case`);
        if (seen.has(name)) problems.push(`${name}: named twice`);
        seen.add(name);
      }
      if (d.version !== 'v1') problems.push(`${d.type}: version ${d.version}`);
      if (d.summary.trim() === '' || d.summary.includes('\n')) problems.push(`${d.type}: the summary is one line`);
    }
    expect(problems).toEqual([]);
  });

  it('declare each metadata field once, and directions and operations only where they apply', () => {
    const problems: string[] = [];
    for (const d of DESCRIPTORS) {
      const names = d.metadata.map((f) => f.name.toLowerCase());
      const twice = names.filter((n, i) => names.indexOf(n) !== i);
      if (twice.length > 0) problems.push(`${d.type}: fields declared twice: ${twice.join(', ')}`);
      if ((d.category === 'bindings') !== (d.directions !== undefined)) problems.push(`${d.type}: directions are for bindings only`);
      if ((d.operations !== undefined) !== (d.directions?.includes('output') ?? false)) problems.push(`${d.type}: operations go with the output direction`);
    }
    expect(problems).toEqual([]);
  });

  it('say what a fresh instance reports: features, binding sides and operations', () => {
    const problems: string[] = [];
    for (const d of DESCRIPTORS) {
      // Factories only construct: no connection is opened before init(), so Redis and PostgreSQL need not run.
      const instance = d.load()(ctx) as unknown as Record<string, unknown> & { features(): readonly string[] };
      if (JSON.stringify(instance.features()) !== JSON.stringify(d.features)) {
        problems.push(`${d.type}: features() is ${JSON.stringify(instance.features())}, the descriptor says ${JSON.stringify(d.features)}`);
      }
      if (d.category !== 'bindings') continue;
      const sides = [typeof instance.read === 'function' ? 'input' : '', typeof instance.operations === 'function' ? 'output' : ''].filter(Boolean);
      if (JSON.stringify(sides) !== JSON.stringify(d.directions)) problems.push(`${d.type}: has sides ${sides.join(', ')}, the descriptor says ${d.directions?.join(', ')}`);
      const ops = typeof instance.operations === 'function' ? (instance.operations as () => readonly string[])() : undefined;
      if (JSON.stringify(ops) !== JSON.stringify(d.operations)) problems.push(`${d.type}: operations() is ${JSON.stringify(ops)}, the descriptor says ${JSON.stringify(d.operations)}`);
    }
    expect(problems).toEqual([]);
  });

  it('cover every component folder: each has a descriptor.ts, and the list holds it', () => {
    const folders = CATEGORIES.flatMap((c) =>
      readdirSync(join(__dirname, c), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${c}/${e.name}`),
    ).sort();
    const listed = folders.filter((f) => {
      if (!readdirSync(join(__dirname, f)).includes('descriptor.ts')) return false;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { descriptor } = require(`./${f}/descriptor`) as typeof import('./state/in-memory/descriptor');
      return DESCRIPTORS.includes(descriptor);
    });
    expect(listed).toEqual(folders);
    expect(DESCRIPTORS.length).toBe(folders.length);
  });

  it('load no database driver until a factory is asked for', () => {
    jest.isolateModules(() => {
      const loaded: string[] = [];
      jest.doMock('pg', () => (loaded.push('pg'), {}));
      jest.doMock('better-sqlite3', () => (loaded.push('better-sqlite3'), {}));
      jest.doMock('ioredis', () => (loaded.push('ioredis'), {}));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./descriptors') as typeof import('./descriptors');
      expect(fresh.DESCRIPTORS.length).toBe(DESCRIPTORS.length);
      expect(loaded).toEqual([]);
    });
  });
});
