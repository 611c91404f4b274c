/**
 * @module server/static-files
 * The built UI (`dist/web`): files with their content types, long caching for Vite's hashed
 * `assets/`, no caching for the rest, no way out of the folder, and a small page when the UI was
 * not built.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export const NOT_BUILT_PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>minidapr dashboard</title></head><body>' +
  '<h1>minidapr dashboard</h1><p>The dashboard UI was not built, so there is nothing to show here. ' +
  'Build it with <code>npm run build</code> in packages/dashboard. The JSON API answers under <a href="/api/overview">/api</a>.</p></body></html>\n';

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/** The file under `root` a URL path names, or undefined when the path leaves the folder or is malformed. */
export function resolveStatic(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  if (path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path.startsWith('/') ? '' : '/'}${path}`);
  return file.startsWith(base + sep) ? file : undefined;
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, urlPath: string): void {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', head);
    return;
  }
  const rootIndex = resolveStatic(root, '/');
  const file = resolveStatic(root, urlPath);
  if (!file) {
    send(res, 400, 'text/plain; charset=utf-8', 'bad path\n', head);
    return;
  }
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    if (file === rootIndex) send(res, 200, 'text/html; charset=utf-8', NOT_BUILT_PAGE, head);
    else send(res, 404, 'text/plain; charset=utf-8', 'not found\n', head);
    return;
  }
  const hashed = urlPath.startsWith('/assets/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (head) res.end();
  else createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
