import { ipv4ToInt, overlaps, pickSubnet, subnetFor } from './subnet';

describe('subnet', () => {
  it('converts dotted quads and rejects anything else', () => {
    expect(ipv4ToInt('10.1.2.3')).toBe(0x0a010203);
    expect(ipv4ToInt('255.255.255.255')).toBe(0xffffffff);
    expect(() => ipv4ToInt('10.1.2')).toThrow('not an IPv4 address: 10.1.2');
    expect(() => ipv4ToInt('10.1.2.256')).toThrow('not an IPv4 address');
  });

  it('detects overlapping prefixes, ignoring the default route', () => {
    expect(overlaps('10.1.2.0/24', '10.0.0.0/8')).toBe(true);
    expect(overlaps('10.1.2.0/24', '10.1.2.77/32')).toBe(true);
    expect(overlaps('10.1.2.0/24', '10.1.3.0/24')).toBe(false);
    expect(overlaps('10.1.2.0/24', '192.0.2.0/24')).toBe(false);
    expect(overlaps('10.1.2.0/24', '0.0.0.0/0')).toBe(false);
  });

  it('hands out .1 to the root namespace and .2 upwards to the groups', () => {
    const s = subnetFor('10.9.8');
    expect(s.bridgeIp).toBe('10.9.8.1');
    expect([s.hostIp(0), s.hostIp(1)]).toEqual(['10.9.8.2', '10.9.8.3']);
  });

  it('skips subnets in use and gives up after many unlucky draws', () => {
    const draws = [1, 2, 1, 3];
    expect(pickSubnet(['10.1.2.0/24'], () => draws.shift() as number).prefix).toBe('10.1.3');
    expect(() => pickSubnet(['10.0.0.0/8'])).toThrow('no free 10.x.y.0/24 subnet');
  });
});
