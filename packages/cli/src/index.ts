/**
 * @module @minidapr/cli
 * The `minidapr` entry: argv → commander program built from the command table → the command;
 * the single place where errors become messages and exit codes.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { COMMANDS, GROUPS, ROOT_EXAMPLES, ROOT_SUMMARY, type CommandContext, type CommandSpec, type OptionSpec } from './cli';
import { ConfigError, ExitError } from './errors';
import { processOutput, type Output } from './lib/output';
import { selfCommand } from './lib/self';
import { generalMessages as G } from './messages';

export { ConfigError, ExitError } from './errors';
export type { Output } from './lib/output';
/** How `minidapr dashboard` reads --sidecar and MINIDAPR_DASHBOARD_SIDECARS (for @minidapr/deploy's checks). */
export { staticSidecars } from './commands/dashboard/sidecars';

function parsePort(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 65535) throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  return Number(value);
}

function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

function toOption(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.description);
  if (spec.parse === 'port') o.argParser(parsePort);
  else if (spec.parse === 'int') o.argParser(parseInteger);
  else if (spec.parse === 'list') o.argParser(collect);
  if (spec.required) o.makeOptionMandatory();
  if (spec.defaultValue !== undefined) o.default(spec.defaultValue);
  if (spec.hidden) o.hideHelp();
  return o;
}

function examplesText(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n`;
}

/** `mtls create-root` → the `create-root` subcommand of a `mtls` group (created once, with its summary). */
function parentOf(program: Command, spec: CommandSpec): { parent: Command; name: string } {
  const words = spec.name.split(' ');
  if (words.length === 1) return { parent: program, name: spec.name };
  const group = words[0] as string;
  const parent =
    program.commands.find((c) => c.name() === group) ??
    program
      .command(group)
      .description(GROUPS[group] ?? group)
      .showHelpAfterError(G.helpHint(group));
  return { parent, name: words.slice(1).join(' ') };
}

function addCommand(program: Command, spec: CommandSpec, ctx: CommandContext): void {
  const { parent, name } = parentOf(program, spec);
  const cmd = parent.command(name).description(spec.summary).showHelpAfterError(G.helpHint(spec.name));
  if (spec.args) cmd.argument(spec.args);
  if (spec.passThrough) cmd.passThroughOptions();
  for (const o of spec.options) cmd.addOption(toOption(o));
  // Dapr's -k (Kubernetes mode) gets a clear answer instead of "unknown option".
  cmd.addOption(toOption({ flags: '-k, --kubernetes', description: 'not supported', hidden: true }));
  cmd.addHelpText('after', examplesText(spec.examples));
  cmd.action(async (...params: unknown[]) => {
    // commander calls action(arg1, …, options, command)
    const command = params[params.length - 1] as Command;
    const args = spec.args ? ((params[0] as string[] | undefined) ?? []) : [];
    const { kubernetes, ...opts } = command.opts();
    if (kubernetes) throw new ConfigError([G.noKubernetes], spec.name);
    await spec.action(opts, args, ctx);
  });
}

/** Builds the commander program for one invocation (exported for tests). */
export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('minidapr');
  program
    .description(ROOT_SUMMARY)
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.output.raw('stdout', s),
      writeErr: (s) => ctx.output.raw('stderr', s),
    })
    .showHelpAfterError(G.helpHint())
    .option('-v, --version', 'print the CLI and runtime versions')
    .addHelpText('after', examplesText(ROOT_EXAMPLES));
  for (const spec of COMMANDS) addCommand(program, spec, ctx);
  return program;
}

/** Runs the CLI and resolves its exit code; prints every error exactly once. */
export async function runCli(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    if (argv[0] === '--version' || argv[0] === '-v') {
      await (COMMANDS.find((c) => c.name === 'version') as CommandSpec).action({}, [], ctx);
      return 0;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    return report(err, ctx.output, ctx.env);
  }
}

function report(err: unknown, out: Output, env: NodeJS.ProcessEnv): number {
  if (err instanceof CommanderError) return err.exitCode; // commander already printed it (and the help hint)
  if (err instanceof ExitError) {
    if (!err.printed) out.err(err.message);
    return err.code;
  }
  if (err instanceof ConfigError) {
    for (const issue of err.issues) out.err(issue);
    out.err(G.helpHint(err.helpCommand));
    return 1;
  }
  const e = err as Error;
  out.err(G.unexpected(e?.message ?? String(err)));
  if (env.MINIDAPR_DEBUG && e?.stack) out.err(e.stack);
  return 1;
}

/** The `minidapr` executable: run, then exit once stdout and stderr are flushed. */
export function main(argv: string[]): void {
  // A closed pipe (`minidapr list | head -1`) must not crash a command that is supervising apps.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
    });
  }
  const cwd = process.cwd();
  const ctx: CommandContext = { cwd, env: process.env, output: processOutput(), self: selfCommand(process.argv[1], cwd, process.env) };
  void runCli(argv, ctx).then((code) => {
    process.exitCode = code;
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}
