import { chooseDriver, LEGACY_DRIVER, MODERN_DRIVER, openDatabase, sqliteDriver } from './sqlite-driver';

const installed =
  (...names: string[]) =>
  (name: string): string => {
    if (names.includes(name)) return `/node_modules/${name}/index.js`;
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
  };

describe('chooseDriver', () => {
  it('uses better-sqlite3 12 on Node 20, even when 13 is installed', () => {
    expect(chooseDriver('20.19.2', installed(LEGACY_DRIVER, MODERN_DRIVER))).toEqual({ name: LEGACY_DRIVER });
  });

  it('uses better-sqlite3 13 on Node 22 and 24', () => {
    expect(chooseDriver('22.12.0', installed(LEGACY_DRIVER, MODERN_DRIVER))).toEqual({ name: MODERN_DRIVER });
    expect(chooseDriver('24.21.0', installed(LEGACY_DRIVER, MODERN_DRIVER))).toEqual({ name: MODERN_DRIVER });
  });

  it('falls back to 12 on Node 24 with a warning that says how to get 13', () => {
    const c = chooseDriver('24.21.0', installed(LEGACY_DRIVER));
    expect(c.name).toBe(LEGACY_DRIVER);
    expect(c.warning).toContain('can abort the process on Node 24.21.0');
    expect(c.warning).toContain('npm ci');
  });

  it('does not hide other failures to resolve the modern build', () => {
    const broken = () => {
      throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
    };
    expect(() => chooseDriver('24.0.0', broken)).toThrow('EACCES');
  });
});

describe('sqliteDriver', () => {
  it('loads the build this Node wants and opens a working database', () => {
    const major = Number(process.versions.node.split('.')[0]);
    const { choice } = sqliteDriver();
    expect(choice.name).toBe(major >= 22 ? MODERN_DRIVER : LEGACY_DRIVER);
    const db = openDatabase(':memory:');
    try {
      expect(db.prepare('SELECT 40 + 2 AS n').get()).toEqual({ n: 42 });
    } finally {
      db.close();
    }
  });
});
