import { closestName, editDistance } from './suggest';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['tablName', 'tableName', 1],
    ['Componet', 'Component', 1],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestName', () => {
  const kinds = ['Component', 'Subscription', 'Configuration', 'Resiliency', 'HTTPEndpoint'];

  it('suggests the closest name for a typo, ignoring case', () => {
    expect(closestName('Componet', kinds)).toBe('Component');
    expect(closestName('component', kinds)).toBe('Component');
    expect(closestName('subscribtion', kinds)).toBe('Subscription');
    expect(closestName('httpendpoints', kinds)).toBe('HTTPEndpoint');
    expect(closestName('tablName', ['connectionString', 'tableName', 'metadataTableName'])).toBe('tableName');
  });

  it('suggests nothing when no name is within a typo of the word', () => {
    expect(closestName('Deployment', kinds)).toBeUndefined();
    expect(closestName('xyz', ['tableName'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });
});
