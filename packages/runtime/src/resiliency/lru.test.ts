/** Lru: bounded, least recently used dropped first, reads refresh recency. */
import { Lru } from './lru';

it('drops the least recently used entry past its capacity; a read counts as a use', () => {
  const c = new Lru<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  expect(c.get('a')).toBe(1); // a is now newer than b
  c.set('c', 3);
  expect(c.has('b')).toBe(false);
  expect(c.get('a')).toBe(1);
  expect(c.get('c')).toBe(3);
  expect(c.size).toBe(2);
  c.set('d', 4); // a was read before c: a goes
  expect(c.has('a')).toBe(false);
  expect([c.get('c'), c.get('d')]).toEqual([3, 4]);
});

it('replacing a key keeps one entry and makes it the newest', () => {
  const c = new Lru<string, number>(2);
  c.set('a', 1);
  c.set('b', 2);
  c.set('a', 10);
  c.set('c', 3);
  expect(c.size).toBe(2);
  expect(c.get('a')).toBe(10);
  expect(c.has('b')).toBe(false);
});

it('refuses a size below 1', () => {
  expect(() => new Lru(0)).toThrow(RangeError);
  expect(() => new Lru(-5)).toThrow('positive size');
});
