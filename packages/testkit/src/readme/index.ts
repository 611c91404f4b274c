// Public API of the executable-README runner.
export { parseReadme, parseReadmeFile, type ParsedReadme, type ParseOptions } from './parse';
export {
  runReadme,
  isStepSelected,
  splitShell,
  type RunReadmeOptions,
  type RunReadmeResult,
  type StepResult,
  type StepStatus,
  type CommandReport,
  type Writer,
} from './runner';
export { ReadmeParseError, KNOWN_KEYS, RUNNABLE_LANGUAGES, stepLabel, formatWarning, type Step, type StepSettings, type CodeBlock, type ReadmeWarning } from './step';
export { matchExpectedLines, findForbiddenLines, missingLines, lineMatches, type MatchMode, type MatchOrder } from './match';
export { formatPlan, formatReport, formatTotals } from './report';
export { runCli, main, parseCliArgs, HELP } from './cli';
