/** Resiliency durations: Go syntax or integer milliseconds in; Go-style text out for logs. */
import { formatDuration, parseResiliencyDuration } from './duration';

it.each([
  ['5s', 5000],
  ['500ms', 500],
  ['1m30s', 90_000],
  ['1.5h', 5_400_000],
  ['.5s', 500],
  ['+2s', 2000],
  ['0', 0],
  ['250', 250],
  [250, 250],
  ['1h2m3s4ms', 3_723_004],
  ['100us', 0.1],
])('%j → %d ms', (text, ms) => {
  expect(parseResiliencyDuration(text)).toBe(ms);
});

it.each(['5x', '', 's', '-1s', '1.5', 'five seconds', '5 s', true, -3, 1.5, null])('%j is refused', (text) => {
  expect(parseResiliencyDuration(text)).toBeUndefined();
});

it.each([
  [1, '1ms'],
  [500, '500ms'],
  [5000, '5s'],
  [90_000, '1m30s'],
  [3_600_000, '1h0m0s'],
  [1500, '1.5s'],
])('%d ms is written %s', (ms, text) => {
  expect(formatDuration(ms)).toBe(text);
});
