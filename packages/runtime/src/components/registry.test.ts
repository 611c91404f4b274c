import { Registry, normaliseVersion } from './registry';
import { ComponentTypeNotFoundError } from './errors';
import type { Component } from './types';

const fake = (): Component => ({ init: async () => {}, close: async () => {}, features: () => ['X'] });
const ctx = { logger: { debug() {}, info() {}, warn() {}, error() {} } };

describe('Registry', () => {
  it('treats empty, v0 and v1 as the initial version', () => {
    expect(normaliseVersion('')).toBe('v1');
    expect(normaliseVersion('v0')).toBe('v1');
    expect(normaliseVersion('V1')).toBe('v1');
    expect(normaliseVersion('v2')).toBe('v2');
  });

  it('creates by type and version, case-insensitively, with aliases', () => {
    const r = new Registry().register(['state.in-memory', 'state.memory'], fake);
    expect(r.create('State.In-Memory', '', ctx).features()).toEqual(['X']);
    expect(r.create('state.memory', 'v1', ctx).features()).toEqual(['X']);
    expect(r.has('state.in-memory', 'v0')).toBe(true);
  });

  it('lists the known types when a type is unknown', () => {
    const r = new Registry().register('state.in-memory', fake).register('pubsub.in-memory', fake);
    expect(() => r.create('state.redis', 'v1', ctx)).toThrow(ComponentTypeNotFoundError);
    expect(() => r.create('state.redis', 'v1', ctx)).toThrow(/pubsub\.in-memory\/v1, state\.in-memory\/v1/);
    expect(() => r.create('state.in-memory', 'v2', ctx)).toThrow(/state\.in-memory\/v2 is not registered/);
  });

  it('refuses duplicate registration as a programming error', () => {
    const r = new Registry().register('state.in-memory', fake);
    expect(() => r.register('state.in-memory', fake, 'v0')).toThrow(/programming error/);
  });
});
