/**
 * @module upstream/recipe
 * Some original READMEs are instructions without STEP annotations (the resiliency tutorials), so
 * mechanical-markdown runs nothing in them. For those the harness runs a recipe instead: a
 * STEP-annotated file of ours, kept in packages/testkit/upstream-recipes, that runs the README's
 * own commands. "Unchanged" is checked, not promised: every line of every runnable block of the
 * recipe must be a line of a code block of the README (whitespace at the ends aside), so a recipe
 * cannot run a command the README does not give. The recipe is written next to the README in the
 * sandbox, so its relative paths and working_dir resolve as the README's do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RUNNABLE_LANGUAGES } from '../readme/step';
import type { UpstreamReadme } from './quickstarts';

/** The folder of the recipes, the same from src/ and dist/. */
export const RECIPES_DIR = resolve(__dirname, '..', '..', 'upstream-recipes');
/** File name of the recipe in the sandbox, beside the README it stands for. */
export const RECIPE_FILE_NAME = 'minidapr-recipe.md';

export interface FencedBlock {
  lang: string;
  lines: string[];
}

/** The fenced code blocks of a markdown text (``` fences), with the first word of the info string. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  let open: FencedBlock | undefined;
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```(.*)$/.exec(line);
    if (fence) {
      if (open) {
        blocks.push(open);
        open = undefined;
      } else {
        open = { lang: (fence[1] ?? '').trim().split(/\s+/)[0] ?? '', lines: [] };
      }
      continue;
    }
    open?.lines.push(line);
  }
  return blocks;
}

/** The recipe's runnable lines that are not lines of the README's code blocks (empty: it runs the README's commands only). */
export function recipeProblems(recipe: string, readme: string): string[] {
  const known = new Set(fencedBlocks(readme).flatMap((b) => b.lines.map((l) => l.trim())));
  const problems: string[] = [];
  for (const block of fencedBlocks(recipe).filter((b) => RUNNABLE_LANGUAGES.includes(b.lang))) {
    for (const line of block.lines.map((l) => l.trim()).filter((l) => l !== '')) {
      if (!known.has(line)) problems.push(`the recipe runs "${line}", which is not a line of the README's code blocks`);
    }
  }
  return problems;
}

/**
 * Writes the entry's recipe beside the README (`readmePath`, in the sandbox) after checking it
 * against the README; returns the recipe's path. Throws when a recipe line is not the README's.
 */
export function installRecipe(entry: UpstreamReadme, readmePath: string, recipesDir: string = RECIPES_DIR): string {
  if (entry.recipe === undefined) throw new Error(`installRecipe: ${entry.id} has no recipe (a programming error)`);
  const recipe = readFileSync(join(recipesDir, entry.recipe), 'utf8');
  const problems = recipeProblems(recipe, readFileSync(readmePath, 'utf8'));
  if (problems.length > 0) throw new Error(`${entry.recipe} no longer matches ${entry.readme}: ${problems.join('; ')}`);
  const target = join(dirname(readmePath), RECIPE_FILE_NAME);
  writeFileSync(target, recipe);
  return target;
}
