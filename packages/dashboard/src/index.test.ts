import * as dashboard from './index';

describe('@minidapr/dashboard', () => {
  it('names itself', () => {
    expect(dashboard.DASHBOARD_PACKAGE).toBe('@minidapr/dashboard');
  });

  it('exports the collector API of the issue 14 contract', () => {
    for (const name of ['openSpanStore', 'defaultSpanStorePath', 'startCollector'] as const) expect(typeof dashboard[name]).toBe('function');
  });
});
