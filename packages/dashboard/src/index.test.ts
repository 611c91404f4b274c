import { DASHBOARD_PACKAGE } from './index';

describe('@minidapr/dashboard', () => {
  it('names itself', () => {
    expect(DASHBOARD_PACKAGE).toBe('@minidapr/dashboard');
  });
});
