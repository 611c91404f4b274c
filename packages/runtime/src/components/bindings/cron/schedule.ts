/**
 * @module components/bindings/cron/schedule
 * Schedules as Dapr's cron parser reads them: croner for the 5/6-field forms and the @-descriptors,
 * and `@every <Go duration>` here (rounded down to whole seconds, at least 1 s; ticks land on whole
 * seconds, like a constant-delay schedule). parseSchedule throws a plain message on a bad schedule.
 */
import { Cron } from 'croner';

export interface Schedule {
  /** Starts firing `tick`; returns a function that stops the timer. */
  start(tick: () => void): () => void;
  /** The next fire time after `from` (for tests and logs). */
  next(from: Date): Date | undefined;
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration, in milliseconds; undefined when the text is not a Go duration. */
export function parseGoDurationMs(text: string): number | undefined {
  const t = text.trim();
  if (t === '0' || t === '+0' || t === '-0') return 0;
  const m = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(t);
  if (!m) return undefined;
  let total = 0;
  for (const part of (m[2] as string).matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (GO_UNITS[part[2] as string] as number);
  }
  return m[1] === '-' ? -total : total;
}

function everySchedule(text: string): Schedule {
  const ms = parseGoDurationMs(text);
  if (ms === undefined) throw new Error(`"@every ${text}" is not a Go duration (examples: @every 10s, @every 1h30m)`);
  if (ms <= 0) throw new Error(`"@every ${text}" must be a positive duration`);
  const delay = Math.max(1000, Math.floor(ms / 1000) * 1000);
  const next = (from: Date): Date => new Date(Math.floor(from.getTime() / 1000) * 1000 + delay);
  return {
    next,
    start(tick) {
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const arm = (): void => {
        timer = setTimeout(() => {
          if (stopped) return;
          arm();
          tick();
        }, Math.max(0, next(new Date()).getTime() - Date.now()));
      };
      arm();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}

export function parseSchedule(spec: string): Schedule {
  let text = spec.trim();
  let timezone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(text);
  if (tz) {
    timezone = tz[1] as string;
    text = (tz[2] as string).trim();
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    } catch {
      throw new Error(`unknown time zone "${timezone}"`);
    }
  }
  if (/^@every(\s|$)/i.test(text)) return everySchedule(text.slice(6).trim());
  // croner reads a text with ':' as a date (a one-shot run); no cron field contains one.
  if (text.includes(':')) throw new Error(`"${spec}" is not a cron expression`);
  if (text.startsWith('@') && !/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/i.test(text)) {
    throw new Error(`unknown descriptor "${text}" (use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>)`);
  }
  const options = { mode: '5-or-6-parts' as const, sloppyRanges: true, timezone, paused: true };
  let probe: Cron;
  try {
    probe = new Cron(text, options);
  } catch (err) {
    throw new Error(`"${spec}": ${(err as Error).message.replace(/^CronPattern: /, '')}`);
  }
  return {
    next: (from) => probe.nextRun(from) ?? undefined,
    start(tick) {
      const job = new Cron(text, { ...options, paused: false }, () => tick());
      return () => job.stop();
    },
  };
}
