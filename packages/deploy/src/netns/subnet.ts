/**
 * @module netns/subnet
 * Picks a private /24 in 10.0.0.0/8 that overlaps nothing the machine already uses, and hands out
 * its addresses: .1 for the root namespace (its uplink to the bridge), .2 upwards for the service groups.
 */
import { randomInt } from 'node:crypto';

export interface Subnet {
  /** e.g. `10.123.45` */
  prefix: string;
  /** The root namespace's address on the subnet (`<prefix>.1`, on its uplink to the bridge). */
  bridgeIp: string;
  /** The address of group number `index` (0-based): `<prefix>.<index + 2>`. */
  hostIp(index: number): string;
}

export function ipv4ToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return (((parts[0] as number) << 24) | ((parts[1] as number) << 16) | ((parts[2] as number) << 8) | (parts[3] as number)) >>> 0;
}

function range(cidr: string): [number, number] {
  const [addr = '', bits = '32'] = cidr.split('/');
  const n = Number(bits);
  const size = 2 ** (32 - n);
  const start = Math.floor(ipv4ToInt(addr) / size) * size;
  return [start, start + size - 1];
}

/** True when the two IPv4 prefixes share any address. A default route (0.0.0.0/0) overlaps nothing here. */
export function overlaps(a: string, b: string): boolean {
  if (a.endsWith('/0') || b.endsWith('/0')) return false;
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

export function subnetFor(prefix: string): Subnet {
  return { prefix, bridgeIp: `${prefix}.1`, hostIp: (i) => `${prefix}.${i + 2}` };
}

/** A random 10.x.y.0/24 overlapping none of `used`; throws after many unlucky draws. */
export function pickSubnet(used: string[], draw: (max: number) => number = randomInt): Subnet {
  for (let attempt = 0; attempt < 200; attempt++) {
    const prefix = `10.${draw(256)}.${draw(256)}`;
    if (!used.some((u) => overlaps(`${prefix}.0/24`, u))) return subnetFor(prefix);
  }
  throw new Error('no free 10.x.y.0/24 subnet found for the network namespaces');
}
