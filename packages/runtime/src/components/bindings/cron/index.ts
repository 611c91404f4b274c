/**
 * @module components/bindings/cron
 * bindings.cron (input only, no operations): fires on a schedule and hands the runtime an empty event
 * with metadata `timeZone` and `readTimeUTC` (Go's time formats, as daprd's cron binding sends
 * them). A bad schedule fails init with the component and field named. Stopping waits for the
 * handlers still running.
 */
import { MetadataError } from '../../errors';
import type { FactoryContext, InitContext, Logger, MetadataMap } from '../../types';
import type { InputBinding, InputHandler } from '../contract';
import { COMPONENT, parseCronMetadata } from './metadata';
import { parseSchedule, type Schedule } from './schedule';

/** Go's time.Time.String() of a UTC instant: `2026-01-02 15:04:05.123 +0000 UTC` (fraction trimmed). */
export function goUtcString(d: Date): string {
  const iso = d.toISOString(); // 2026-01-02T15:04:05.123Z
  const fraction = iso.slice(20, 23).replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''} +0000 UTC`;
}

export class CronBinding implements InputBinding {
  private schedule?: Schedule;
  private spec = '';
  private readonly stops = new Set<() => Promise<void>>();

  constructor(private readonly logger: Logger) {}

  async init(metadata: MetadataMap, _ctx?: InitContext): Promise<void> {
    const { schedule } = parseCronMetadata(metadata);
    try {
      this.schedule = parseSchedule(schedule);
    } catch (err) {
      throw new MetadataError(COMPONENT, 'schedule', `is not a valid schedule: ${(err as Error).message}`);
    }
    this.spec = schedule;
  }

  features(): readonly string[] {
    return [];
  }

  async read(handler: InputHandler): Promise<() => Promise<void>> {
    if (!this.schedule) throw new Error('bindings.cron: read() before init()');
    const inFlight = new Set<Promise<unknown>>();
    const stopTimer = this.schedule.start(() => {
      const now = new Date();
      this.logger.debug(`schedule "${this.spec}" fired at ${now.toISOString()}`);
      const p = handler({ data: Buffer.alloc(0), metadata: { timeZone: 'Local', readTimeUTC: goUtcString(now) } }).catch((err: unknown) => {
        this.logger.debug(`cron event at ${now.toISOString()} was not handled: ${(err as Error).message}`);
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    });
    const stop = async (): Promise<void> => {
      stopTimer();
      this.stops.delete(stop);
      await Promise.allSettled([...inFlight]);
    };
    this.stops.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.stops].map((s) => s()));
  }
}

export function createCronBinding(ctx: FactoryContext): CronBinding {
  return new CronBinding(ctx.logger);
}
