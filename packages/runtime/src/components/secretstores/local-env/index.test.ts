import { LocalEnvSecretStore, isEnvSecretAllowed } from '.';

const ENV = { HOME: '/home/x', MY_SECRET: 's1', APP_PW: 'p', APP_API_TOKEN: 't', DAPR_API_TOKEN: 'd', dapr_http_port: '3500', APP_: 'edge' };

function store(warnings: string[] = []): LocalEnvSecretStore {
  const logger = { debug() {}, info() {}, warn: (m: object | string) => warnings.push(String(m)), error() {} };
  return new LocalEnvSecretStore(logger, ENV);
}

describe('secretstores.local.env', () => {
  it('answers {name: value}, and "" for an unset variable', async () => {
    const s = store();
    await s.init({});
    expect(await s.getSecret('MY_SECRET')).toEqual({ MY_SECRET: 's1' });
    expect(await s.getSecret('UNSET_VAR')).toEqual({ UNSET_VAR: '' });
    expect(s.features()).toEqual([]);
  });

  it('never exposes APP_API_TOKEN or DAPR_* (any case)', async () => {
    const warnings: string[] = [];
    const s = store(warnings);
    await s.init({});
    expect(await s.getSecret('APP_API_TOKEN')).toEqual({ APP_API_TOKEN: '' });
    expect(await s.getSecret('DAPR_API_TOKEN')).toEqual({ DAPR_API_TOKEN: '' });
    expect(await s.getSecret('dapr_http_port')).toEqual({ dapr_http_port: '' });
    expect(warnings).toEqual(expect.arrayContaining(['Access to env var APP_API_TOKEN is forbidden']));
    const bulk = await s.bulkGetSecret();
    expect(Object.keys(bulk).sort()).toEqual(['APP_', 'APP_PW', 'HOME', 'MY_SECRET']);
    expect(bulk.HOME).toEqual({ HOME: '/home/x' });
    expect(isEnvSecretAllowed('Dapr_x')).toBe(false);
  });

  it('reads <prefix><name> and strips the prefix in bulk', async () => {
    const s = store();
    await s.init({ prefix: 'APP_' });
    expect(await s.getSecret('PW')).toEqual({ PW: 'p' });
    // APP_ + API_TOKEN is still forbidden.
    expect(await s.getSecret('API_TOKEN')).toEqual({ API_TOKEN: '' });
    // Variables no longer than the prefix are skipped, as in Dapr.
    expect(await s.bulkGetSecret()).toEqual({ PW: { PW: 'p' } });
  });
});
