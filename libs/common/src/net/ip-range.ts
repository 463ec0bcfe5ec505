import { BlockList, isIP } from 'node:net';

const MAPPED_PREFIX = '::ffff:';
const DOTTED_QUAD = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const PREFIX_LENGTH = /^\d{1,3}$/;

/** A socket address without the IPv4-mapped IPv6 prefix (`::ffff:10.0.0.1` → `10.0.0.1`). */
export function normaliseIp(address: string | undefined): string | undefined {
  if (!address) return undefined;
  if (
    address.length > MAPPED_PREFIX.length &&
    address.slice(0, 7).toLowerCase() === MAPPED_PREFIX
  ) {
    const rest = address.slice(MAPPED_PREFIX.length);
    if (DOTTED_QUAD.test(rest)) return rest;
  }
  return address;
}

interface IpRange {
  readonly address: string;
  readonly family: 'ipv4' | 'ipv6';
  /** Undefined for a single address. */
  readonly prefix?: number;
}

/** Parses `10.0.0.0/8`, `192.168.1.7`, `::1`, `::ffff:10.0.0.0/104`; undefined when invalid. */
export function parseIpRange(entry: string): IpRange | undefined {
  const slash = entry.indexOf('/');
  const rawAddress = slash === -1 ? entry : entry.slice(0, slash);
  const rawPrefix = slash === -1 ? undefined : entry.slice(slash + 1);
  let prefix = rawPrefix === undefined ? undefined : Number(rawPrefix);
  if (rawPrefix !== undefined && !PREFIX_LENGTH.test(rawPrefix)) return undefined;

  let address = normaliseIp(rawAddress) ?? '';
  let version = isIP(address);
  if (version === 0 || address.includes('%')) return undefined;
  if (address !== rawAddress && prefix !== undefined) {
    // `::ffff:a.b.c.d/N` covers IPv4 space only when N keeps the 96-bit mapped prefix.
    if (prefix < 96) {
      address = rawAddress;
      version = 6;
    } else {
      prefix -= 96;
    }
  }
  const max = version === 4 ? 32 : 128;
  if (prefix !== undefined && prefix > max) return undefined;
  return { address, family: version === 4 ? 'ipv4' : 'ipv6', prefix };
}

/** A BlockList over validated ranges; mapped IPv4 addresses then match IPv4 ranges natively. */
export function buildIpList(ranges: readonly IpRange[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    if (range.prefix === undefined) list.addAddress(range.address, range.family);
    else list.addSubnet(range.address, range.prefix, range.family);
  }
  return list;
}
