/**
 * @module bin
 * The minidaprd entry: argv + env → options → runtime; signals; the single top-level catch.
 */
import { ConfigError } from './errors/startup';
import { parseOptions, USAGE } from './options';
import { createRuntime } from './runtime';
import { RUNTIME_VERSION } from './version';

export function main(argv: string[]): void {
  const parsed = parseOptions(argv, process.env, process.cwd());
  if (parsed.action === 'version') {
    process.stdout.write(`${RUNTIME_VERSION}\n`);
    return;
  }
  if (parsed.action === 'build-info') {
    process.stdout.write(`Version: ${RUNTIME_VERSION}\nGit Commit: unknown\nGit Version: ${RUNTIME_VERSION}\n`);
    return;
  }
  if (parsed.action === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (!parsed.options) {
    process.stderr.write(`minidaprd: invalid flags:\n${parsed.errors.map((e) => `  ${e}`).join('\n')}\n\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  const runtime = createRuntime(parsed.options, {
    onShutdownRequested: (force) => {
      if (force) setTimeout(() => process.exit(1), 100);
      else void shutdown('shutdown API');
    },
  });
  for (const w of parsed.warnings) runtime.logger.warn(w);

  let exiting = false;
  async function shutdown(why: string): Promise<void> {
    if (exiting) return;
    exiting = true;
    runtime.logger.info(`${why} received: shutting down`);
    try {
      await runtime.stop();
    } finally {
      process.exit(0);
    }
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  // A closed stdout or stderr (whoever started the sidecar and read its output is gone): daprd dies
  // of SIGPIPE at its next log line. Stop as well, gracefully, instead of logging the failed write,
  // which fails again and again (a busy loop that kept orphaned sidecars running).
  const outputClosed = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') void shutdown('closed output (EPIPE)');
  };
  process.stdout.on('error', outputClosed);
  process.stderr.on('error', outputClosed);
  process.on('uncaughtException', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' && (process.stdout.destroyed || process.stderr.destroyed)) outputClosed(err);
    else runtime.logger.error({ err }, 'uncaught exception (kept running)');
  });
  process.on('unhandledRejection', (err) => runtime.logger.error({ err }, 'unhandled rejection (kept running)'));

  runtime.start().catch(async (err: unknown) => {
    if (err instanceof ConfigError) {
      runtime.logger.fatal(`start-up failed:\n${err.issues.join('\n')}`);
      process.stderr.write(`minidaprd: start-up failed:\n${err.issues.map((i) => `  ${i}`).join('\n')}\n`);
    } else {
      runtime.logger.fatal({ err }, 'start-up failed');
      process.stderr.write(`minidaprd: start-up failed: ${(err as Error).stack ?? String(err)}\n`);
    }
    await runtime.stop().catch(() => {});
    process.exit(1);
  });
}
