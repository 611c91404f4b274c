import { ExitError } from '../../errors';
import { staticSidecars } from './sidecars';

describe('staticSidecars', () => {
  it('is empty without the flag and the variable', () => {
    expect(staticSidecars(undefined, {})).toEqual([]);
  });

  it('reads the variable, then the flag, a flag entry replacing the variable\'s app id', () => {
    const env = { MINIDAPR_DASHBOARD_SIDECARS: 'a=a-dapr,b=b-dapr:3600' };
    expect(staticSidecars(['b=other:3700:9200', 'c=c-dapr'], env)).toEqual([
      { appId: 'a', host: 'a-dapr', httpPort: 3500, metricsPort: 9090 },
      { appId: 'b', host: 'other', httpPort: 3700, metricsPort: 9200 },
      { appId: 'c', host: 'c-dapr', httpPort: 3500, metricsPort: 9090 },
    ]);
  });

  it('names the flag or the variable and the value in an ExitError', () => {
    expect(() => staticSidecars(['a=h:99999'], {})).toThrow(ExitError);
    expect(() => staticSidecars(['a=h:99999'], {})).toThrow('--sidecar "a=h:99999": the HTTP port must be a port from 1 to 65535');
    expect(() => staticSidecars([], { MINIDAPR_DASHBOARD_SIDECARS: 'nohost' })).toThrow('MINIDAPR_DASHBOARD_SIDECARS "nohost": missing the app id');
  });
});
