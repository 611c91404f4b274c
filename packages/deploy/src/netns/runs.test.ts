import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { forgetRun, readRun, recordRun } from './runs';

describe('run files', () => {
  const dir = tempDir('minidapr-netns-runs-');
  afterAll(() => dir.remove());

  it('record the owner pid and, when not the caller’s own, the root namespace', () => {
    recordRun('aaaaa', undefined, dir.path);
    expect(readRun('aaaaa', dir.path)).toEqual({ pid: process.pid, root: undefined });
    recordRun('bbbbb', 'minidapr-xyz-host', dir.path);
    expect(readRun('bbbbb', dir.path)).toEqual({ pid: process.pid, root: 'minidapr-xyz-host' });
  });

  it('read a file without a valid pid as ownerless', () => {
    writeFileSync(join(dir.path, 'ccccc'), 'not a pid\n');
    expect(readRun('ccccc', dir.path)).toEqual({ pid: undefined, root: undefined });
  });

  it('are gone once forgotten', () => {
    forgetRun('aaaaa', dir.path);
    expect(() => readRun('aaaaa', dir.path)).toThrow(/ENOENT/);
  });
});
