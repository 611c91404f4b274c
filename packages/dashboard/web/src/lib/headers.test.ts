import { parseHeaders } from './headers';

describe('parseHeaders', () => {
  it('reads one header per line and skips blank lines', () => {
    expect(parseHeaders('content-type: application/json\n\nx-a:  b:c  ')).toEqual({ headers: { 'content-type': 'application/json', 'x-a': 'b:c' }, errors: [] });
  });
  it('names the bad lines', () => {
    expect(parseHeaders('ok: 1\nnot a header\n: x').errors).toEqual(['line 2: expected "Name: value"', 'line 3: expected "Name: value"']);
  });
});
