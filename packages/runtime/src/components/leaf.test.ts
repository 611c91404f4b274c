/**
 * components/ is a leaf (docs/architecture): its modules import nothing from the runtime layer
 * above it (api/, server/, invoke/, pubsub/, bindings/, runtime.ts, security/, acl/, config/ other
 * than the YAML reader). Only the neutral utilities below are allowed outside components/ itself.
 * Test files are not checked: they may drive the runtime to test a component in place.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = resolve(__dirname, '..');
const COMPONENTS = __dirname;

/** Modules outside components/ that components may import (paths under src/, no extension). */
const ALLOWED = [/^errors(\/|$)/, /^json\//, /^quantity$/, /^http-syntax$/, /^config\/yaml$/, /^logger$/];

/** Every import, export-from, require() and import() specifier in a TypeScript source text. */
function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of text.matchAll(re)) out.push(m[1] as string);
  return out;
}

/** Why `specifier`, imported by the file at `file`, breaks the rule; undefined when it does not. */
function violation(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined; // packages (node:, drivers, yaml, …)
  const target = resolve(dirname(file), specifier);
  const fromComponents = relative(COMPONENTS, target);
  if (!fromComponents.startsWith('..')) return undefined;
  const fromSrc = relative(SRC, target).split(sep).join('/').replace(/\.(js|ts)$/, '');
  if (ALLOWED.some((re) => re.test(fromSrc))) return undefined;
  return `${relative(SRC, file).split(sep).join('/')} imports ${specifier} (src/${fromSrc})`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.case.ts') ? [path] : [];
  });
}

describe('components/ is a leaf', () => {
  it('finds the import forms it checks, and tells forbidden from allowed targets', () => {
    const text = "import a from '../x';\nimport type { B } from './y';\nexport { c } from '../../z';\nimport './side';\nconst d = require('../w') as typeof import('../v');";
    expect(importSpecifiers(text).sort()).toEqual(['../v', '../w', '../x', '../../z', './side', './y'].sort());
    const file = join(COMPONENTS, 'bindings', 'http', 'outgoing.ts');
    expect(violation(file, '../../../invoke/app-call')).toMatch(/src\/invoke\/app-call/);
    expect(violation(file, '../../../bindings/runtime-fields')).toMatch(/src\/bindings\/runtime-fields/);
    expect(violation(file, '../../../config/configuration')).toMatch(/src\/config\/configuration/);
    expect(violation(file, '../../../http-syntax')).toBeUndefined();
    expect(violation(file, '../../../errors/startup')).toBeUndefined();
    expect(violation(file, '../runtime-fields')).toBeUndefined();
    expect(violation(file, 'node:http')).toBeUndefined();
  });

  it('has no module that imports the runtime layer', () => {
    const files = sourceFiles(COMPONENTS);
    expect(files.length).toBeGreaterThan(50);
    const problems = files.flatMap((file) => importSpecifiers(readFileSync(file, 'utf8')).map((s) => violation(file, s)).filter((v): v is string => v !== undefined));
    expect(problems).toEqual([]);
  });
});
