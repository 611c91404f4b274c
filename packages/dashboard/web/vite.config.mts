/**
 * Vite build of the dashboard UI: web/ is the root, the bundle lands in the package's dist/web, and
 * every URL in index.html is relative (base './') so the UI works under any path prefix.
 * The file is .mts because the package is CommonJS and this config is an ES module.
 * JSX goes through Vite's own Oxc transform with Preact's automatic runtime: no plugins.
 */
import { defineConfig } from 'vite';

const webDir = new URL('.', import.meta.url);
// `vite --config web/vite.config.mts` (dev server) forwards /api to a running dashboard when told where.
const dashboard = process.env.MINIDAPR_DASHBOARD_URL;

export default defineConfig({
  root: decodeURIComponent(webDir.pathname),
  base: './',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: dashboard ? { proxy: { '/api': { target: dashboard, changeOrigin: true } } } : undefined,
  build: {
    outDir: decodeURIComponent(new URL('../dist/web', webDir).pathname),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
