// Reading and validating the YAML inside `<!-- STEP ... -->` into StepSettings.
// Every error names the README file and line so a typo is easy to find.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { MatchMode, MatchOrder } from './match';
import {
  DEFAULT_TIMEOUT_SECONDS,
  DEFAULT_WAIT_TIMEOUT_SECONDS,
  defaultSettings,
  KNOWN_KEYS,
  ReadmeParseError,
  warnOrFail,
  type StepSettings,
  type WarningSink,
} from './step';

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] ?? 0;
      row[j] = Math.min(cur + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] ?? 0;
}

function suggestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  for (const known of KNOWN_KEYS) {
    const d = editDistance(key, known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

const YAML11_TRUE = new Set(['yes', 'true', 'on']);
const YAML11_FALSE = new Set(['no', 'false', 'off']);

export interface StepHeader {
  settings: StepSettings;
  /** README line of each key that was present. */
  keyLines: Map<string, number>;
}

/**
 * Parses and validates the YAML that follows `STEP` in the comment.
 * @param yamlText text right after the `STEP` token
 * @param file README path used in error messages
 * @param firstLine README line on which `yamlText` starts
 * @param sink where unknown or repeated keys are reported (default: strict, they throw)
 */
export function parseStepYaml(yamlText: string, file: string, firstLine: number, sink?: WarningSink): StepSettings {
  return parseStepHeader(yamlText, file, firstLine, sink).settings;
}

/**
 * As parseStepYaml, and also tells on which line each key stands (for checks that need other steps).
 * Like mechanical-markdown, an unknown key is ignored and a repeated key takes its last value; both
 * are reported to `sink` (thrown when it is strict).
 */
export function parseStepHeader(yamlText: string, file: string, firstLine: number, sink: WarningSink = { strict: true, warnings: [] }): StepHeader {
  const lineAt = (offset: number | undefined): number => {
    if (offset === undefined) return firstLine;
    let line = firstLine;
    for (let i = 0; i < offset && i < yamlText.length; i++) if (yamlText[i] === '\n') line++;
    return line;
  };
  const fail = (line: number, reason: string): never => {
    throw new ReadmeParseError(file, line, reason);
  };

  // Repeated keys are reported below (with both lines) rather than by the YAML parser.
  const doc = parseDocument(yamlText, { uniqueKeys: false, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const reason = (yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    fail(pos ? firstLine + pos.line - 1 : firstLine, `invalid YAML in STEP: ${reason}`);
  }

  const settings = defaultSettings();
  const seen = new Map<string, number>();
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return { settings, keyLines: seen };
  if (!isMap(root)) return fail(firstLine, 'the STEP body must be a YAML mapping (key: value lines)');

  for (const pair of root.items) {
    const keyNode = pair.key;
    const keyLine = lineAt(isScalar(keyNode) ? keyNode.range?.[0] : undefined);
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      fail(keyLine, 'STEP keys must be plain strings');
      continue;
    }
    const key = keyNode.value;
    const value: unknown = pair.value;
    const valueLine = lineAt((value as { range?: [number, number, number] } | null)?.range?.[0] ?? keyNode.range?.[0]);
    if (!KNOWN_KEYS.includes(key)) {
      const hint = suggestKey(key);
      warnOrFail(
        sink,
        file,
        keyLine,
        `unknown key '${key}' in STEP${hint ? ` (did you mean '${hint}'?)` : ''}; it is ignored, as mechanical-markdown does. Known keys: ${KNOWN_KEYS.join(', ')}`,
      );
      continue;
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      warnOrFail(sink, file, keyLine, `key '${key}' is repeated (first at line ${earlier}); the last value is used, as mechanical-markdown does`);
    }
    seen.set(key, keyLine);

    const text = (): string | null => {
      if (value === null || value === undefined) return null;
      if (!isScalar(value)) return fail(valueLine, `'${key}' must be a single value, not a list or mapping`);
      return scalarText(value);
    };
    const lines = (): string[] => {
      if (value === null || value === undefined) return [];
      if (isScalar(value)) {
        if (value.value === null) return [];
        return fail(valueLine, `'${key}' must be a list of lines, e.g.\n${key}:\n  - "a line of output"`);
      }
      if (!isSeq(value)) return fail(valueLine, `'${key}' must be a list of lines`);
      return value.items.map((item, i) => {
        const itemLine = lineAt((item as { range?: [number, number, number] } | null)?.range?.[0] ?? value.range?.[0]);
        if (!isScalar(item)) return fail(itemLine, `item ${i + 1} of '${key}' must be a string`);
        const s = scalarText(item);
        if (s === null) return fail(itemLine, `item ${i + 1} of '${key}' is empty; quote it ("") if you really mean an empty line`);
        return s;
      });
    };
    const number = (opts: { min: number; exclusive?: boolean; integer?: boolean }): number | null => {
      if (value === null || value === undefined || (isScalar(value) && value.value === null)) return null;
      const v = isScalar(value) ? value.value : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail(valueLine, `'${key}' must be a number`);
      if (opts.integer && !Number.isInteger(v)) return fail(valueLine, `'${key}' must be an integer`);
      if (opts.exclusive ? v <= opts.min : v < opts.min) {
        return fail(valueLine, `'${key}' must be ${opts.exclusive ? 'greater than' : 'at least'} ${opts.min}`);
      }
      return v;
    };
    const oneOf = <T extends string>(allowed: readonly T[], fallback: T): T => {
      const s = text();
      if (s === null) return fallback;
      if (!(allowed as readonly string[]).includes(s)) {
        return fail(valueLine, `'${key}' must be one of: ${allowed.join(', ')} (got '${s}')`);
      }
      return s as T;
    };

    switch (key) {
      case 'name':
        settings.name = text() ?? '';
        break;
      case 'expected_stdout_lines':
        settings.expectedStdoutLines = lines();
        break;
      case 'expected_stderr_lines':
        settings.expectedStderrLines = lines();
        break;
      case 'forbidden_stdout_lines':
        settings.forbiddenStdoutLines = lines();
        break;
      case 'forbidden_stderr_lines':
        settings.forbiddenStderrLines = lines();
        break;
      case 'wait_for_stdout_lines':
        settings.waitForStdoutLines = lines();
        break;
      case 'wait_for_stderr_lines':
        settings.waitForStderrLines = lines();
        break;
      case 'wait_timeout_seconds':
        settings.waitTimeoutSeconds = number({ min: 0, exclusive: true }) ?? DEFAULT_WAIT_TIMEOUT_SECONDS;
        break;
      case 'wait_for_step': {
        const target = text();
        if (target === null || target.trim() === '') return fail(valueLine, `'wait_for_step' must name an earlier background step`);
        settings.waitForStep = target;
        break;
      }
      case 'output_match_mode':
        settings.outputMatchMode = oneOf<MatchMode>(['exact', 'substring'], 'exact');
        break;
      case 'match_order':
        settings.matchOrder = oneOf<MatchOrder>(['sequential', 'none'], 'sequential');
        break;
      case 'expected_return_code':
        // Present with an empty/null value: the return code is not checked.
        settings.expectedReturnCode = number({ min: -Infinity, integer: true });
        break;
      case 'background': {
        if (value === null || value === undefined || (isScalar(value) && value.value === null)) break;
        const v = isScalar(value) ? value.value : undefined;
        if (typeof v === 'boolean') settings.background = v;
        else if (typeof v === 'string' && YAML11_TRUE.has(v.toLowerCase())) settings.background = true;
        else if (typeof v === 'string' && YAML11_FALSE.has(v.toLowerCase())) settings.background = false;
        else fail(valueLine, `'background' must be true or false`);
        break;
      }
      case 'sleep':
        settings.sleepSeconds = number({ min: 0 }) ?? 0;
        break;
      case 'timeout_seconds':
        settings.timeoutSeconds = number({ min: 0, exclusive: true }) ?? DEFAULT_TIMEOUT_SECONDS;
        break;
      case 'working_dir': {
        const dir = text();
        settings.workingDir = dir === null || dir === '' ? null : dir;
        break;
      }
      case 'env': {
        settings.env = {};
        if (value === null || value === undefined || (isScalar(value) && value.value === null)) break;
        if (!isMap(value)) return fail(valueLine, `'env' must be a mapping of NAME: value`);
        for (const envPair of value.items) {
          const k = envPair.key;
          const kLine = lineAt(isScalar(k) ? k.range?.[0] : undefined);
          if (!isScalar(k) || k.value === null || typeof k.value === 'object') fail(kLine, `'env' keys must be variable names`);
          const name = scalarText(k as Parameters<typeof scalarText>[0]) ?? '';
          const v = envPair.value;
          if (v !== null && v !== undefined && !isScalar(v)) fail(kLine, `env '${name}' must be a single value`);
          settings.env[name] = v === null || v === undefined ? '' : (scalarText(v as Parameters<typeof scalarText>[0]) ?? '');
        }
        break;
      }
      case 'tags': {
        if (value !== null && value !== undefined && isScalar(value)) {
          const t = scalarText(value);
          settings.tags = t === null ? [] : [t];
        } else {
          settings.tags = lines();
        }
        break;
      }
      case 'manual_pause_message':
        settings.manualPauseMessage = text();
        break;
      default:
        // not reached: unknown keys were reported above
        break;
    }
  }

  for (const key of ['forbidden_stdout_lines', 'forbidden_stderr_lines', 'wait_for_stdout_lines', 'wait_for_stderr_lines']) {
    const list = listFor(settings, key);
    if (list.some((l) => l.trim() === '')) {
      fail(seen.get(key) ?? firstLine, `'${key}' contains an empty line, which would match (almost) anything`);
    }
  }
  checkWaitKeys(settings, seen, (line, reason) => fail(line ?? firstLine, reason));
  return { settings, keyLines: seen };
}

/** wait_for_* watch a background step's own output, or, with wait_for_step, an earlier background step's. */
function checkWaitKeys(settings: StepSettings, seen: Map<string, number>, fail: (line: number | undefined, reason: string) => never): void {
  const waitLines = settings.waitForStdoutLines.length + settings.waitForStderrLines.length;
  if (settings.waitForStep !== null) {
    if (settings.background) {
      fail(
        seen.get('wait_for_step'),
        `'wait_for_step' is only allowed on a foreground step; a background step's wait_for_* lines watch its own output`,
      );
    }
    if (waitLines === 0) {
      fail(seen.get('wait_for_step'), `'wait_for_step' needs 'wait_for_stdout_lines' or 'wait_for_stderr_lines' (the lines to wait for)`);
    }
    return;
  }
  if (settings.background) return;
  for (const key of ['wait_for_stdout_lines', 'wait_for_stderr_lines', 'wait_timeout_seconds']) {
    if (seen.has(key)) {
      fail(
        seen.get(key),
        `'${key}' is only allowed on a background step (add 'background: true'), or with 'wait_for_step' naming an earlier background step`,
      );
    }
  }
}

function listFor(settings: StepSettings, key: string): string[] {
  switch (key) {
    case 'forbidden_stdout_lines':
      return settings.forbiddenStdoutLines;
    case 'forbidden_stderr_lines':
      return settings.forbiddenStderrLines;
    case 'wait_for_stdout_lines':
      return settings.waitForStdoutLines;
    case 'wait_for_stderr_lines':
      return settings.waitForStderrLines;
    default:
      return [];
  }
}

/** A scalar's text as written: `007` stays "007", `yes` stays "yes", `~`/empty is null. */
function scalarText(node: { value: unknown; source?: string; type?: string }): string | null {
  const v = node.value;
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (node.type === 'PLAIN' && typeof node.source === 'string') return node.source;
  return String(v);
}
