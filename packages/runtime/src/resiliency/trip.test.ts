/** The trip expression subset: what compiles, what it evaluates to, and what is refused. */
import type { BreakerCounts } from './breaker';
import { compileTrip } from './trip';

const counts = (over: Partial<BreakerCounts> = {}): BreakerCounts => ({ requests: 10, totalSuccesses: 4, totalFailures: 6, consecutiveSuccesses: 0, consecutiveFailures: 3, ...over });

it.each([
  ['consecutiveFailures > 5', counts({ consecutiveFailures: 6 }), true],
  ['consecutiveFailures > 5', counts({ consecutiveFailures: 5 }), false],
  ['consecutiveFailures >= 3', counts(), true],
  ['requests > 5 && totalFailures * 2 > requests', counts(), true],
  ['requests > 20 || consecutiveFailures == 3', counts(), true],
  ['!(consecutiveFailures < 3)', counts(), true],
  ['totalFailures - totalSuccesses != 2', counts(), false],
  ['(requests + 1) * 2 <= 22', counts(), true],
  ['  consecutiveSuccesses==0  ', counts(), true],
  ['requests > -1', counts({ requests: 0 }), true],
])('%s → %s', (src, c, expected) => {
  expect(compileTrip(src)(c)).toBe(expected);
});

it.each([
  ['', /empty/],
  ['failures > 5', /unknown variable "failures"/],
  ['consecutiveFailures', /must be a condition/],
  ['consecutiveFailures + 1', /must be a condition/],
  ['consecutiveFailures > "5"', /unexpected character/],
  ['size(requests) > 1', /function calls such as size/],
  ['consecutiveFailures > 5 &&', /end of expression/],
  ['(requests > 1', /missing "\)"/],
  ['requests > 1 > 0', /chained|needs integer/],
  ['requests && true', /needs boolean/],
  ['!requests', /boolean operand/],
  ['requests > 1.5', /unexpected/],
])('refuses %j', (src, message) => {
  expect(() => compileTrip(src)).toThrow(message);
});
