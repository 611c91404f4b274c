import type { InputEvent } from '../contract';
import { isInputBinding, isOutputBinding } from '../contract';
import { createCronBinding, goUtcString } from '.';
import { parseGoDurationMs, parseSchedule } from './schedule';

const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('parseGoDurationMs', () => {
  it.each([
    ['10s', 10_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2m3.5s', 123_500],
    ['0', 0],
    ['-1s', -1000],
  ])('%s → %d ms', (text, ms) => expect(parseGoDurationMs(text)).toBe(ms));

  it.each(['', '10', '1d', 's', '1h 30m', '1.5.5s'])('rejects %j', (text) => expect(parseGoDurationMs(text)).toBeUndefined());
});

describe('parseSchedule', () => {
  const from = new Date('2026-03-04T05:06:07.500Z');

  it('reads 5-field (minute first) and 6-field (seconds first) expressions', () => {
    expect(parseSchedule('CRON_TZ=UTC */15 * * * *').next(from)?.toISOString()).toBe('2026-03-04T05:15:00.000Z');
    expect(parseSchedule('TZ=UTC 30 * * * * *').next(from)?.toISOString()).toBe('2026-03-04T05:06:30.000Z');
    expect(parseSchedule('TZ=UTC 0 5/10 * * * *').next(from)?.toISOString()).toBe('2026-03-04T05:15:00.000Z');
  });

  it('reads the descriptors', () => {
    expect(parseSchedule('TZ=UTC @hourly').next(from)?.toISOString()).toBe('2026-03-04T06:00:00.000Z');
    expect(parseSchedule('TZ=UTC @daily').next(from)?.toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect(parseSchedule('TZ=UTC @midnight').next(from)?.toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect(parseSchedule('TZ=UTC @monthly').next(from)?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    expect(parseSchedule('TZ=UTC @yearly').next(from)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(parseSchedule('TZ=UTC @annually').next(from)?.toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(parseSchedule('TZ=UTC @weekly').next(from)?.toISOString()).toBe('2026-03-08T00:00:00.000Z');
  });

  it('reads @every with a Go duration, on whole seconds, at least one second', () => {
    expect(parseSchedule('@every 10s').next(from)?.toISOString()).toBe('2026-03-04T05:06:17.000Z');
    expect(parseSchedule('@every 1h30m').next(from)?.toISOString()).toBe('2026-03-04T06:36:07.000Z');
    expect(parseSchedule('@every 300ms').next(from)?.toISOString()).toBe('2026-03-04T05:06:08.000Z');
  });

  it.each([
    ['* * * *', /exactly|requires|parts/],
    ['* * * * * * *', /requires exactly 5 or 6 parts/],
    ['61 * * * *', /Invalid value/],
    ['@every', /not a Go duration/],
    ['@every ten', /not a Go duration/],
    ['@every 0s', /positive/],
    ['@sometimes', /unknown descriptor/],
    ['2026-01-01T00:00:00', /not a cron expression/],
    ['TZ=Mars/Base @hourly', /unknown time zone/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseSchedule(spec)).toThrow(message);
  });
});

describe('bindings.cron', () => {
  afterEach(() => jest.useRealTimers());

  it('is an input binding only', () => {
    const b = createCronBinding(ctx);
    expect(isInputBinding(b)).toBe(true);
    expect(isOutputBinding(b)).toBe(false);
    expect(b.features()).toEqual([]);
  });

  it('fails init naming the component and the field', async () => {
    await expect(createCronBinding(ctx).init({}, { appId: 'a', cwd: '.' })).rejects.toThrow('component bindings.cron: metadata field "schedule" is required');
    await expect(createCronBinding(ctx).init({ schedule: '@every soon' }, { appId: 'a', cwd: '.' })).rejects.toThrow(
      /component bindings\.cron: metadata field "schedule" is not a valid schedule: "@every soon" is not a Go duration/,
    );
  });

  it('fires empty events with timeZone and readTimeUTC until stopped, and stop waits for handlers', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T05:06:07.250Z') });
    const b = createCronBinding(ctx);
    await b.init({ schedule: '@every 2s' }, { appId: 'a', cwd: '.' });
    const events: InputEvent[] = [];
    let finish: (() => void) | undefined;
    const stop = await b.read(async (e) => {
      events.push(e);
      if (events.length === 2) await new Promise<void>((r) => (finish = r));
      return undefined;
    });
    await jest.advanceTimersByTimeAsync(1749);
    expect(events).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(0);
    expect(events[0]?.metadata).toEqual({ timeZone: 'Local', readTimeUTC: '2026-03-04 05:06:09 +0000 UTC' });
    await jest.advanceTimersByTimeAsync(2000);
    expect(events).toHaveLength(2);
    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(stopped).toBe(false);
    expect(events).toHaveLength(2);
    finish?.();
    await stopping;
    expect(stopped).toBe(true);
    await b.close();
  });

  it('keeps firing when a handler fails', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-04T05:06:07.000Z') });
    const b = createCronBinding(ctx);
    await b.init({ schedule: '* * * * * *' }, { appId: 'a', cwd: '.' });
    let calls = 0;
    await b.read(async () => {
      calls++;
      throw new Error('app is down');
    });
    await jest.advanceTimersByTimeAsync(3000);
    expect(calls).toBeGreaterThanOrEqual(2);
    await b.close();
  });
});

describe('goUtcString', () => {
  it('formats like Go time.Time.String() in UTC', () => {
    expect(goUtcString(new Date('2026-01-02T15:04:05.120Z'))).toBe('2026-01-02 15:04:05.12 +0000 UTC');
    expect(goUtcString(new Date('2026-01-02T15:04:05.000Z'))).toBe('2026-01-02 15:04:05 +0000 UTC');
  });
});
