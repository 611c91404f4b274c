import net from 'node:net';
import { freePort } from '@minidapr/testkit';
import { startForwarder } from './forwarder';

/** Sends `text` through host:port and resolves to what comes back before the server closes. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect(port, '127.0.0.1', () => s.end(text));
    s.on('data', (d) => (got += String(d)))
      .on('end', () => resolve(got))
      .on('error', reject);
  });
}

describe('startForwarder', () => {
  it('pipes each connection to the target both ways and counts them', async () => {
    const echo = net.createServer((c) => c.on('data', (d) => c.write(`echo:${String(d)}`)).on('end', () => c.end()));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    const target = { host: '127.0.0.1', port: (echo.address() as net.AddressInfo).port };
    const f = await startForwarder({ host: '127.0.0.1', port: await freePort() }, target);
    try {
      expect(await roundTrip(f.listen.port, 'ping')).toBe('echo:ping');
      expect(await roundTrip(f.listen.port, 'again')).toBe('echo:again');
      expect(f.connections()).toBe(2);
    } finally {
      await f.close();
      echo.close();
    }
  });

  it('closes the client connection when the target is down, and says which port it cannot take', async () => {
    const dead = await freePort();
    const f = await startForwarder({ host: '127.0.0.1', port: await freePort() }, { host: '127.0.0.1', port: dead });
    try {
      expect(await roundTrip(f.listen.port, 'x').catch(() => 'closed')).toMatch(/^(|closed)$/);
      await expect(startForwarder(f.listen, { host: '127.0.0.1', port: dead })).rejects.toThrow(`cannot forward 127.0.0.1:${f.listen.port} to 127.0.0.1:${dead}`);
    } finally {
      await f.close();
    }
  });
});
