import net from 'node:net';
import { canBind, findPortOwner, isListening, pickFreePort } from './ports';

it('pickFreePort never hands out the same port twice', async () => {
  const ports = await Promise.all(Array.from({ length: 10 }, () => pickFreePort()));
  expect(new Set(ports).size).toBe(10);
});

it('sees a busy port, and (on Linux) the process holding it', async () => {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  try {
    expect(await canBind(port)).toBe(false);
    expect(await isListening(port)).toBe(true);
    if (process.platform === 'linux') expect(findPortOwner(port)?.pid).toBe(process.pid);
  } finally {
    await new Promise((r) => srv.close(r));
  }
  expect(await canBind(port)).toBe(true);
  expect(await isListening(port)).toBe(false);
  expect(findPortOwner(port)).toBeUndefined();
});
