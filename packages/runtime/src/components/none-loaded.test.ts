import { join } from 'node:path';
import { noComponentsWarning } from './none-loaded';

describe('noComponentsWarning', () => {
  const home = join('home', '.minidapr');

  it('says that no --resources-path was given and that the home folder is not read', () => {
    const w = noComponentsWarning({ resourcesPaths: [], home, appId: 'a', skipped: 0 });
    expect(w).toMatch(/^no components loaded: no --resources-path was given/);
    expect(w).toContain('reads components only from --resources-path, never from the home folder');
    expect(w).toContain(`"minidapr init" (it writes the default components to ${join(home, 'components')})`);
    expect(w).toContain('"minidapr run"');
  });

  it('lists the paths it looked in and how many resources scopes left out', () => {
    const w = noComponentsWarning({ resourcesPaths: ['res', 'more'], home, appId: 'checkout', skipped: 2 });
    expect(w).toContain('found no component for app id "checkout" in res, more (2 resource(s) left out by scopes or namespace)');
    expect(w).toContain('--resources-path <folder with component YAML files>');
    expect(noComponentsWarning({ resourcesPaths: ['res'], home, appId: 'a', skipped: 0 })).not.toContain('left out');
  });
});
