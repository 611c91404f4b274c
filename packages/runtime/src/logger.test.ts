import { createLogger, toLogfmt } from './logger';

function collect() {
  const lines: string[] = [];
  return { lines, destination: { write: (l: string) => lines.push(l) } };
}

describe('logger', () => {
  it('writes daprd-style logfmt lines by default', () => {
    const c = collect();
    const log = createLogger({ appId: 'nodeapp', level: 'info', json: false, destination: c.destination, version: '0.1.0' });
    log.info({ method: 'POST /v1.0/state/statestore', code: 204 }, 'HTTP API Called');
    log.debug('hidden');
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]).toMatch(/^time="\d{4}-.*" level=info msg="HTTP API Called" app_id=nodeapp scope=dapr\.runtime type=log ver=0\.1\.0/);
    expect(c.lines[0]).toContain('method="POST /v1.0/state/statestore" code=204');
  });

  it('writes JSON with level names when asked', () => {
    const c = collect();
    createLogger({ appId: 'a', level: 'debug', json: true, destination: c.destination, version: '1' }).debug('x');
    const rec = JSON.parse(c.lines[0] as string);
    expect(rec).toMatchObject({ level: 'debug', msg: 'x', app_id: 'a' });
  });

  it('renders errors by message', () => {
    expect(toLogfmt({ time: 0, level: 50, msg: 'boom', err: { message: 'bad thing' } })).toContain('error="bad thing"');
  });
});
