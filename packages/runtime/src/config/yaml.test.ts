/**
 * The bounded YAML reader, and both of its users (the resource loader and --config), against a
 * "billion laughs" alias bomb (issue 12: it failed with a stack trace that did not name the file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadResources } from '../components/loader';
import { ConfigError } from '../errors/startup';
import { loadConfiguration } from './configuration';
import { parseYamlDocuments, YAML_MAX_ALIAS_COUNT } from './yaml';

/** Nine levels of nine aliases each: 9^9 strings when expanded. */
function aliasBomb(head: string): string {
  const lines = [head, 'bomb:', '  a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`  a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(',')}]`);
  return `${lines.join('\n')}\n`;
}

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'minidapr-yaml-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('parseYamlDocuments', () => {
  it('reads every document, with ordinary aliases expanded', () => {
    const docs = parseYamlDocuments('a: &x [1, 2]\nb: *x\n---\nc: 3\n', 'f.yaml');
    expect(docs.map((d) => d.toJS())).toEqual([{ a: [1, 2], b: [1, 2] }, { c: 3 }]);
    expect(parseYamlDocuments('', 'f.yaml')).toEqual([]);
  });

  it('stops an alias bomb with a ConfigError naming the file and the document', () => {
    const docs = parseYamlDocuments(`ok: 1\n---\n${aliasBomb('x: 1')}`, 'bomb.yaml');
    expect(docs[0]?.toJS()).toEqual({ ok: 1 });
    const err = thrown(() => docs[1]?.toJS());
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([`bomb.yaml (document 2): invalid YAML: too many alias expansions (more than ${YAML_MAX_ALIAS_COUNT}; an alias bomb?)`]);
  });
});

describe('an alias bomb', () => {
  it('in a component file fails start-up naming the file, among the other issues', () => {
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, aliasBomb('apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: s}\nspec: {type: state.in-memory, version: v1}'));
    writeFileSync(join(dir, 'other.yaml'), 'apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: t}\nspec: {version: v1}\n');
    const err = thrown(() => loadResources([dir], { appId: 'app' }));
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues).toContain(`${file}: invalid YAML: too many alias expansions (more than ${YAML_MAX_ALIAS_COUNT}; an alias bomb?)`);
    expect(issues.some((i) => i.startsWith(join(dir, 'other.yaml')))).toBe(true);
  });

  it('in a --config file fails naming the file', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, aliasBomb('apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata: {name: c}'));
    const err = thrown(() => loadConfiguration([file], {}));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues).toEqual([`${file}: invalid YAML: too many alias expansions (more than ${YAML_MAX_ALIAS_COUNT}; an alias bomb?)`]);
  });
});
