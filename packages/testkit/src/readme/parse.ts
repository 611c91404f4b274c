// Markdown -> steps. A small line scanner that understands just what the STEP syntax needs:
// fenced code blocks (``` or ~~~, any indentation, CommonMark closing rules) and HTML comments
// that start a line. Comments inside fences are text, never annotations.
// As in mechanical-markdown, a comment that holds the word END_STEP ends a step, and one that holds
// the word STEP starts one, its YAML being whatever follows that word (usually `<!-- STEP` + YAML).
import { readFileSync } from 'node:fs';
import { ReadmeParseError, RUNNABLE_LANGUAGES, type CodeBlock, type ReadmeWarning, type Step, type WarningSink } from './step';
import { resolveWaitForStep, validateCompleteStep } from './step-check';
import { parseStepHeader } from './step-yaml';

export interface ParsedReadme {
  /** The path used in messages (as given). */
  file: string;
  steps: Step[];
  /** What mechanical-markdown accepts but is probably a mistake (empty unless `strict` is off). */
  warnings: ReadmeWarning[];
}

export interface ParseOptions {
  /** Name used in error messages; default `README.md`. */
  file?: string;
  /**
   * Reject what mechanical-markdown silently accepts but is almost always a mistake: unknown or
   * repeated STEP keys, and steps whose only expectations are empty lines. Default false (warnings).
   */
  strict?: boolean;
}

/** The annotation words, as whole words (so `STEPS` or `ENDSTEP` are not annotations). */
const END_TOKEN = /(?<![A-Za-z0-9_])END_STEP(?![A-Za-z0-9_])/;
const START_TOKEN = /(?<![A-Za-z0-9_])STEP(?![A-Za-z0-9_])/;

const FENCE_OPEN = /^([ \t]*)(`{3,}|~{3,})(.*)$/;

interface OpenFence {
  indent: number;
  marker: string;
  lang: string;
  line: number;
  content: string[];
}

function isClosingFence(line: string, fence: OpenFence): boolean {
  const m = /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(line);
  const marker = m?.[1];
  return marker !== undefined && marker[0] === fence.marker[0] && marker.length >= fence.marker.length;
}

function dedent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && (line[i] === ' ' || line[i] === '\t')) i++;
  return line.slice(i);
}

/** Parses the annotated markdown into steps. Throws ReadmeParseError (with the line) on bad annotations. */
export function parseReadme(markdown: string, options: ParseOptions = {}): ParsedReadme {
  const file = options.file ?? 'README.md';
  const sink: WarningSink = { strict: options.strict === true, warnings: [] };
  const lines = markdown.split(/\r?\n/);
  const steps: Step[] = [];
  let current: Step | null = null;
  let fence: OpenFence | null = null;
  /** README line of each step's `wait_for_step` key, for errors found once every step is known. */
  const waitKeyLines = new Map<Step, number>();

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i] ?? '';

    if (fence) {
      if (isClosingFence(line, fence)) {
        const block: CodeBlock = { lang: fence.lang, line: fence.line, script: fence.content.join('\n').trim() };
        if (current) {
          if (RUNNABLE_LANGUAGES.includes(block.lang)) {
            if (block.script !== '') current.commands.push(block);
          } else {
            current.ignoredBlocks.push(block);
          }
        }
        fence = null;
      } else {
        fence.content.push(dedent(line, fence.indent));
      }
      continue;
    }

    const open = FENCE_OPEN.exec(line);
    if (open) {
      const marker = open[2] ?? '```';
      const info = open[3] ?? '';
      // A backtick fence's info string may not contain backticks (that is inline code, not a fence).
      if (!(marker.startsWith('`') && info.includes('`'))) {
        fence = { indent: (open[1] ?? '').length, marker, lang: info.trim().split(/\s+/)[0] ?? '', line: lineNo, content: [] };
        continue;
      }
    }

    const commentAt = line.search(/\S/);
    if (commentAt < 0 || !line.startsWith('<!--', commentAt)) continue;

    // Collect the comment body up to `-->` (possibly several lines later).
    let body = '';
    let endIndex = -1;
    let rest = line.slice(commentAt + 4);
    for (let j = i; j < lines.length; j++) {
      if (j > i) rest = lines[j] ?? '';
      const close = rest.indexOf('-->');
      if (close >= 0) {
        body += rest.slice(0, close);
        endIndex = j;
        break;
      }
      body += rest + '\n';
    }
    const isEnd = END_TOKEN.test(body);
    const start = isEnd ? null : START_TOKEN.exec(body);
    const isStart = start !== null;
    if (endIndex < 0) {
      if (isStart || isEnd) {
        throw new ReadmeParseError(file, lineNo, `unterminated HTML comment: no '-->' after this '<!--', so the STEP annotations in it would be lost`);
      }
      break; // an unterminated ordinary comment swallows the rest of the document
    }

    if (isEnd) {
      if (!current) throw new ReadmeParseError(file, lineNo, '<!-- END_STEP --> without a matching <!-- STEP -->');
      current.endLine = lineNo;
      validateCompleteStep(current, file, sink);
      steps.push(current);
      current = null;
    } else if (isStart) {
      if (current) {
        throw new ReadmeParseError(
          file,
          lineNo,
          `<!-- STEP --> found inside the step that starts at line ${current.line}; steps cannot be nested (missing <!-- END_STEP -->?)`,
        );
      }
      // YAML starts right after the STEP token, on the comment's first line or below.
      const tokenAt = start.index;
      const yamlText = body.slice(tokenAt + 'STEP'.length).replace(/^[ \t]+/, '');
      const yamlFirstLine = lineNo + (body.slice(0, tokenAt).match(/\n/g)?.length ?? 0);
      const { settings, keyLines } = parseStepHeader(yamlText, file, yamlFirstLine, sink);
      current = { ...settings, index: steps.length + 1, line: yamlFirstLine, endLine: -1, commands: [], ignoredBlocks: [], waitForStepIndex: null };
      if (settings.waitForStep !== null) waitKeyLines.set(current, keyLines.get('wait_for_step') ?? yamlFirstLine);
    }
    i = endIndex;
  }

  if (current) {
    const fenceNote = fence ? ` (the code fence opened at line ${fence.line} is never closed)` : '';
    throw new ReadmeParseError(file, current.line, `reached the end of the file looking for <!-- END_STEP --> for the step that starts here${fenceNote}`);
  }
  for (const [step, keyLine] of waitKeyLines) step.waitForStepIndex = resolveWaitForStep(step, steps, file, keyLine);
  return { file, steps, warnings: sink.warnings };
}

/** Reads and parses a README file. */
export function parseReadmeFile(path: string, options: Omit<ParseOptions, 'file'> = {}): ParsedReadme {
  return parseReadme(readFileSync(path, 'utf8'), { ...options, file: path });
}
