import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@minidapr/testkit';
import { hostsText, removeNetnsEtc, writeNetnsHosts } from './hosts';

describe('hosts', () => {
  it('puts localhost first and every name of an address on one line', () => {
    const text = hostsText(
      new Map([
        ['nodeapp', '10.1.2.2'],
        ['nodeapp-dapr', '10.1.2.2'],
        ['redis', '10.1.2.1'],
      ]),
    );
    const lines = text.trimEnd().split('\n');
    expect(lines[1]).toBe('127.0.0.1\tlocalhost');
    expect(lines).toContain('10.1.2.2\tnodeapp nodeapp-dapr');
    expect(lines).toContain('10.1.2.1\tredis');
  });

  it('writes <etc>/<ns>/hosts and removes the folder again', () => {
    const dir = tempDir('minidapr-hosts-');
    try {
      writeNetnsHosts('ns1', 'x\n', dir.path);
      expect(readFileSync(join(dir.path, 'ns1', 'hosts'), 'utf8')).toBe('x\n');
      removeNetnsEtc('ns1', dir.path);
      expect(existsSync(join(dir.path, 'ns1'))).toBe(false);
    } finally {
      dir.remove();
    }
  });
});
