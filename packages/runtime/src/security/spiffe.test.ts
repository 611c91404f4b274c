import { parseSpiffeId, spiffeIdFromSan, spiffeIdString } from './spiffe';

it('builds and parses Dapr-shaped SPIFFE IDs', () => {
  const s = spiffeIdString({ trustDomain: 'public', namespace: 'default', appId: 'order-processor' });
  expect(s).toBe('spiffe://public/ns/default/order-processor');
  expect(parseSpiffeId(s)).toEqual({ trustDomain: 'public', namespace: 'default', appId: 'order-processor' });
});

it.each(['spiffe://public/default/app', 'spiffe://public/ns/default/app/extra', 'http://public/ns/default/app', 'spiffe://public/ns//app', 'spiffe://public/ns/de fault/app'])(
  'rejects %s',
  (uri) => expect(parseSpiffeId(uri)).toBeUndefined(),
);

it('reads the one SPIFFE URI from a subjectAltName string', () => {
  expect(spiffeIdFromSan('DNS:localhost, URI:spiffe://public/ns/default/a')).toEqual({ trustDomain: 'public', namespace: 'default', appId: 'a' });
  expect(spiffeIdFromSan('DNS:localhost')).toBeUndefined();
  expect(spiffeIdFromSan(undefined)).toBeUndefined();
  // two identities in one certificate: neither is trusted
  expect(spiffeIdFromSan('URI:spiffe://public/ns/default/a, URI:spiffe://public/ns/default/b')).toBeUndefined();
  // a quoted entry containing a comma cannot smuggle a second URI
  expect(spiffeIdFromSan('DNS:"x, URI:spiffe://public/ns/default/evil"')).toBeUndefined();
});
