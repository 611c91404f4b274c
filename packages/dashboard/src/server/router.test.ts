import { matchRoute } from './router';

it('matches literal and :param segments, decoding params', () => {
  expect(matchRoute('/api/apps/:appId/logs', '/api/apps/order%20x/logs')).toEqual({ appId: 'order x' });
  expect(matchRoute('/api/apps', '/api/apps')).toEqual({});
  expect(matchRoute('/api/apps/:appId', '/api/apps/')).toBeUndefined();
  expect(matchRoute('/api/apps/:appId', '/api/apps/a/b')).toBeUndefined();
  expect(matchRoute('/api/apps/:appId', '/api/apps/%E0%A4%A')).toBeUndefined();
});
