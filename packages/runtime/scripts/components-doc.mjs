// Regenerates the generated parts of docs/components.md (summary table, each type's fact lines and
// field table) from the component descriptors; the prose is kept. Uses the built runtime, so run
// `npx turbo run build --filter=@minidapr/runtime` first, then `npm run docs:components -w @minidapr/runtime`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { updateComponentsDoc } = require('../dist/components/catalog-doc.js');
const path = fileURLToPath(new URL('../../../docs/components.md', import.meta.url));
const before = readFileSync(path, 'utf8');
const after = updateComponentsDoc(before);
if (after === before) console.log('docs/components.md is current');
else {
  writeFileSync(path, after);
  console.log('docs/components.md updated');
}
