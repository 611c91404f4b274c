import { canonicalFlag, flagDefault, SIDECAR_FLAGS } from '@minidapr/runtime';
import { COMMANDS } from './cli';
import { longName, shownDefault, sidecarOption } from './sidecar-options';

const runOptions = COMMANDS.find((c) => c.name === 'run')?.options ?? [];
const sidecarOptions = runOptions.filter((o) => o.sidecar);

it('run has its minidaprd flags from the runtime table, and its own flags besides', () => {
  expect(sidecarOptions.length).toBeGreaterThan(15);
  for (const o of sidecarOptions) expect(SIDECAR_FLAGS[canonicalFlag(longName(o.flags))]).toBeDefined();
  // CLI-only flags (dapr CLI's own) stay out of the sidecar set
  const own = runOptions.filter((o) => !o.sidecar).map((o) => longName(o.flags));
  expect(own).toEqual(expect.arrayContaining(['run-file', 'runtime-path']));
  for (const name of own) expect(SIDECAR_FLAGS[canonicalFlag(name)]).toBeUndefined();
});

it("every default run --help shows for a minidaprd flag is the runtime's, unless the CLI chooses its own", () => {
  let compared = 0;
  for (const o of sidecarOptions) {
    const shown = shownDefault(o.description);
    const cliDefault = o.sidecar?.cliDefault;
    if (cliDefault === null) expect(shown).toBeUndefined();
    else if (cliDefault !== undefined) expect(shown).toBe(cliDefault);
    else {
      expect(shown).toBe(flagDefault(o.sidecar?.flag ?? ''));
      if (shown !== undefined) compared++;
    }
  }
  expect(compared).toBeGreaterThanOrEqual(8); // protocol, address, log level, sizes, health check…
});

it('the CLI chooses its own default only where it starts minidaprd differently', () => {
  const own = Object.fromEntries(sidecarOptions.filter((o) => o.sidecar?.cliDefault !== undefined).map((o) => [longName(o.flags), o.sidecar?.cliDefault]));
  expect(own).toEqual({
    'app-id': 'the name of the current folder',
    'dapr-http-port': 'a free port',
    'dapr-grpc-port': 'a free port',
    'dapr-internal-grpc-port': 'a free port',
    'metrics-port': 'a free port',
    'resources-path': 'MINIDAPR_HOME/components',
    'components-path': null,
    config: 'MINIDAPR_HOME/config.yaml',
  });
});

it('refuses a run option that minidaprd does not know', () => {
  expect(() => sidecarOption('--no-such-flag <x>', 'x')).toThrow('--no-such-flag is not a minidaprd flag');
  expect(sidecarOption('--resources-path <dir>', 'a folder (repeatable)', { cliDefault: 'X' }).description).toBe('a folder (repeatable; default: X)');
});
