import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, type TempDir } from '../tmp';
import { parseReadmeFile } from '../readme/parse';
import { UPSTREAM_READMES, type UpstreamReadme } from './quickstarts';
import { fencedBlocks, installRecipe, RECIPE_FILE_NAME, RECIPES_DIR, recipeProblems } from './recipe';

let dir: TempDir;
beforeEach(() => (dir = tempDir('upstream-recipe-')));
afterEach(() => dir.remove());

const fence = '```';
const tutorial = [
  '# Tutorial',
  `${fence}bash`,
  'cd ../app',
  'npm install',
  'dapr run --app-id app -- npm start',
  fence,
  'Stop it:',
  `${fence}script`,
  'CTRL + C',
  fence,
  `${fence}bash`,
  'dapr stop --app-id app',
  fence,
].join('\n');

describe('fencedBlocks', () => {
  it('returns each block with its language and lines', () => {
    expect(fencedBlocks(tutorial)).toEqual([
      { lang: 'bash', lines: ['cd ../app', 'npm install', 'dapr run --app-id app -- npm start'] },
      { lang: 'script', lines: ['CTRL + C'] },
      { lang: 'bash', lines: ['dapr stop --app-id app'] },
    ]);
  });
});

describe('recipeProblems', () => {
  it('accepts a recipe whose runnable lines are all lines of the README, in any block and with other indentation', () => {
    const recipe = [`${fence}bash`, '  cd ../app', 'dapr run --app-id app -- npm start', '', fence, `${fence}text`, 'anything at all', fence, `${fence}sh`, 'dapr stop --app-id app', fence].join('\n');
    expect(recipeProblems(recipe, tutorial)).toEqual([]);
  });

  it('names each runnable line the README does not have', () => {
    const recipe = [`${fence}bash`, 'cd ../app', 'dapr run --app-id app --log-level debug -- npm start', 'rm -rf /tmp/x', fence].join('\n');
    expect(recipeProblems(recipe, tutorial)).toEqual([
      `the recipe runs "dapr run --app-id app --log-level debug -- npm start", which is not a line of the README's code blocks`,
      `the recipe runs "rm -rf /tmp/x", which is not a line of the README's code blocks`,
    ]);
  });
});

describe('installRecipe', () => {
  const entry: UpstreamReadme = { id: 'x/js', readme: 'x/tutorial.md', copyRoot: 'x', recipe: 'x.md' };

  it('writes the recipe beside the README when it matches, and returns its path', () => {
    dir.write({ 'recipes/x.md': `${fence}bash\nnpm install\n${fence}\n`, 'sandbox/x/tutorial.md': tutorial });
    const path = installRecipe(entry, join(dir.path, 'sandbox/x/tutorial.md'), join(dir.path, 'recipes'));
    expect(path).toBe(join(dir.path, 'sandbox/x', RECIPE_FILE_NAME));
    expect(readFileSync(path, 'utf8')).toContain('npm install');
  });

  it('throws, naming the recipe, the README and the line, when the README changed', () => {
    dir.write({ 'recipes/x.md': `${fence}bash\nnpm ci\n${fence}\n`, 'sandbox/x/tutorial.md': tutorial });
    expect(() => installRecipe(entry, join(dir.path, 'sandbox/x/tutorial.md'), join(dir.path, 'recipes'))).toThrow(
      `x.md no longer matches x/tutorial.md: the recipe runs "npm ci", which is not a line of the README's code blocks`,
    );
    expect(existsSync(join(dir.path, 'sandbox/x', RECIPE_FILE_NAME))).toBe(false);
  });
});

describe('the recipes of UPSTREAM_READMES', () => {
  it.each(UPSTREAM_READMES.filter((r) => r.recipe !== undefined).map((r) => [r.id, r] as const))('%s: parses as a strict STEP file', (_id, entry) => {
    const parsed = parseReadmeFile(join(RECIPES_DIR, entry.recipe ?? ''), { strict: true });
    expect(parsed.steps.length).toBeGreaterThan(0);
    expect(parsed.steps.flatMap((s) => s.commands).length).toBeGreaterThan(0);
  });
});
