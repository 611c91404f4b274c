import net from 'node:net';
import { freePort } from '@minidapr/testkit';
import { parseRespCommand, postgresDatabase, redisRequirePass, startHandshakeForwarder } from './handshake-forwarder';

const resp = (...words: string[]) => `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`;

/** A server that records the bytes each connection sent and answers `+SERVER\r\n` to each chunk. */
async function recorder(): Promise<{ port: number; received: () => string; close: () => void }> {
  let got = '';
  const server = net.createServer((c) => c.on('data', (d) => {
    got += d.toString('latin1');
    c.write('+SERVER\r\n');
  }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, received: () => got, close: () => server.close() };
}

/** Sends the chunks one by one (waiting for `until` replies in all) and resolves to what came back. */
function converse(port: number, chunks: Array<string | Buffer>, until: (got: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const s = net.connect(port, '127.0.0.1', () => {
      for (const c of chunks) s.write(c);
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no complete reply, got ${JSON.stringify(got)}`));
    }, 3000);
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (until(got)) {
        clearTimeout(timer);
        s.destroy();
        resolve(got);
      }
    }).on('error', reject);
  });
}

describe('parseRespCommand', () => {
  it('reads one array command or inline line, and waits for incomplete input', () => {
    expect(parseRespCommand(Buffer.from(`${resp('AUTH', 'pw')}${resp('PING')}`))).toEqual({ words: ['AUTH', 'pw'], length: resp('AUTH', 'pw').length });
    expect(parseRespCommand(Buffer.from('PING\r\nrest'))).toEqual({ words: ['PING'], length: 6 });
    expect(parseRespCommand(Buffer.from('*2\r\n$4\r\nAUTH\r\n$2\r\np'))).toBeUndefined();
    expect(() => parseRespCommand(Buffer.from('*x\r\n'))).toThrow('not a RESP array header');
  });
});

describe('redisRequirePass', () => {
  it('answers NOAUTH and WRONGPASS itself and passes the connection on after the right AUTH', async () => {
    const server = await recorder();
    const f = await startHandshakeForwarder({ host: '127.0.0.1', port: await freePort() }, { host: '127.0.0.1', port: server.port }, redisRequirePass('pw'));
    try {
      const got = await converse(f.listen.port, [resp('INFO'), resp('AUTH', 'bad'), `${resp('AUTH', 'default', 'pw')}${resp('PING')}`], (g) => g.includes('+SERVER'));
      expect(got).toBe('-NOAUTH Authentication required.\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n+OK\r\n+SERVER\r\n');
      expect(server.received()).toBe(resp('PING'));
      expect(f.events()).toEqual(['NOAUTH INFO', 'AUTH wrong password', 'AUTH ok']);
      expect(f.connections()).toBe(1);
    } finally {
      await f.close();
      server.close();
    }
  });
});

/** A PostgreSQL StartupMessage (protocol 3.0) with the given parameters. */
function startup(params: Record<string, string>): Buffer {
  const body = Buffer.from(`${Object.entries(params).map(([k, v]) => `${k}\0${v}\0`).join('')}\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + body.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, body]);
}

describe('postgresDatabase', () => {
  it('declines SSL and rewrites the database of the start-up message, leaving other databases alone', async () => {
    const server = await recorder();
    const f = await startHandshakeForwarder({ host: '127.0.0.1', port: await freePort() }, { host: '127.0.0.1', port: server.port }, postgresDatabase('orders', 'run_db'));
    try {
      const ssl = Buffer.alloc(8);
      ssl.writeInt32BE(8, 0);
      ssl.writeInt32BE(80877103, 4);
      const got = await converse(f.listen.port, [ssl, startup({ user: 'postgres', database: 'orders' })], (g) => g.includes('+SERVER'));
      expect(got).toBe('N+SERVER\r\n');
      expect(Buffer.from(server.received(), 'latin1').equals(startup({ user: 'postgres', database: 'run_db' }))).toBe(true);

      await converse(f.listen.port, [startup({ user: 'postgres', database: 'test' })], (g) => g.includes('+SERVER'));
      expect(f.events()).toEqual(['database orders → run_db', 'database test']);
    } finally {
      await f.close();
      server.close();
    }
  });
});
