import { resolveStatic } from './static-files';
import { join, resolve } from 'node:path';

it('maps URL paths into the folder and refuses to leave it', () => {
  const root = resolve('/srv/web');
  expect(resolveStatic(root, '/')).toBe(join(root, 'index.html'));
  expect(resolveStatic(root, '/assets/a%20b.js')).toBe(join(root, 'assets', 'a b.js'));
  expect(resolveStatic(root, '/../etc/passwd')).toBeUndefined();
  expect(resolveStatic(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeUndefined();
  expect(resolveStatic(root, '/..%2f..%2fsecret')).toBeUndefined();
  expect(resolveStatic(root, '/a%00b')).toBeUndefined();
  expect(resolveStatic(root, '/%E0%A4%A')).toBeUndefined();
});
