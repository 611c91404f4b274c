/** The throwaway redis-server: starts on the given port, answers, and is gone after stop(). */
import { freePort } from './ports';
import { stopAll } from './processes';
import { requireRedisServerBinary, startRedisServer } from './redis-server';
import { serviceAvailable } from './services';
import { tempDir } from './tmp';

const installed = requireRedisServerBinary('the redis-server helper test');

afterAll(async () => {
  await stopAll();
});

(installed ? it : it.skip)('starts a private redis-server that accepts connections until stopped', async () => {
  const dir = tempDir('minidapr-redis-helper-');
  try {
    const port = await freePort();
    const redis = await startRedisServer({ port, dir: dir.path, password: 'secret' });
    expect(await serviceAvailable('127.0.0.1', port, 500)).toBe(true);
    await redis.stop();
    expect(await serviceAvailable('127.0.0.1', port, 500)).toBe(false);
  } finally {
    dir.remove();
  }
});

(installed ? it : it.skip)('rejects with the server output when redis-server cannot start', async () => {
  const missing = tempDir('minidapr-redis-helper-');
  missing.remove();
  await expect(startRedisServer({ port: await freePort(), dir: missing.path, timeoutMs: 5000 })).rejects.toThrow(/redis-server exited:\n.*No such file or directory/s);
});
