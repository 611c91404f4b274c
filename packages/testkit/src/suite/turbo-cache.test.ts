import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp';
import { buildHashes, cacheDirCandidates, copyCacheEntries } from './turbo-cache';

describe('buildHashes', () => {
  it('keeps the hashes of build tasks only, never those of test tasks', () => {
    const dry = JSON.stringify({
      tasks: [
        { taskId: '@minidapr/runtime#build', task: 'build', hash: '51c9adcd03d14b08' },
        { taskId: '@minidapr/runtime#test', task: 'test', hash: 'aaaaaaaaaaaaaaaa' },
        { taskId: '@minidapr/cli#build', task: 'build', hash: 'bcda8bbc8d668516' },
        { taskId: '@minidapr/odd#build', task: 'build', hash: '../escape' },
      ],
    });
    expect(buildHashes(`turbo 2.11.11\n${dry}`)).toEqual(['51c9adcd03d14b08', 'bcda8bbc8d668516']);
  });
});

describe('cacheDirCandidates', () => {
  it('puts TURBO_CACHE_DIR (relative to the repo) before the repo cache', () => {
    const repo = tempDir('turbo-repo');
    try {
      const dirs = cacheDirCandidates(repo.path, { TURBO_CACHE_DIR: 'elsewhere/cache' });
      expect(dirs.slice(0, 2)).toEqual([join(repo.path, 'elsewhere/cache'), join(repo.path, '.turbo', 'cache')]);
    } finally {
      repo.remove();
    }
  });
});

describe('copyCacheEntries', () => {
  it('copies every file of the entries it finds, from the first dir that has them, and nothing else', () => {
    const a = tempDir('turbo-a');
    const b = tempDir('turbo-b');
    const to = tempDir('turbo-to');
    try {
      a.write({ '1111.tar.zst': 'a1', '1111-meta.json': 'm1', '3333.tar.zst': 'test entry' });
      b.write({ '1111.tar.zst': 'b1', '2222.tar.zst': 'b2', '2222-meta.json': 'm2', '2222-manifest.json': 'f2', '22223.tar.zst': 'other' });
      const dest = join(to.path, '.turbo', 'cache');
      expect(copyCacheEntries(['1111', '2222', '4444'], [join(a.path, 'missing'), a.path, b.path], dest)).toBe(2);
      expect(readdirSync(dest).sort()).toEqual(['1111-meta.json', '1111.tar.zst', '2222-manifest.json', '2222-meta.json', '2222.tar.zst']);
      expect(readFileSync(join(dest, '1111.tar.zst'), 'utf8')).toBe('a1');
      expect(existsSync(join(dest, '3333.tar.zst'))).toBe(false);
    } finally {
      a.remove();
      b.remove();
      to.remove();
    }
  });
});
