import { isIPv6 } from 'node:net';

/** An IP address as a number: IPv4 in 32 bits, IPv6 in 128 bits. */
export interface ParsedIp {
  readonly version: 4 | 6;
  readonly value: bigint;
}

/** An address range `base/prefix`. */
export interface Cidr {
  readonly version: 4 | 6;
  readonly base: bigint;
  readonly prefix: number;
}

const IPV4_BITS = 32;
const IPV6_BITS = 128;

/**
 * Parses a host as an IP literal, accepting every form a resolver or `inet_aton` would: dotted
 * quads, decimal (`2130706433`), hex (`0x7f000001`), octal (`0177.0.0.1`), short (`127.1`,
 * `0x7f.1`), bracketed IPv6 with or without a zone id, and a trailing dot.
 * @returns null when the host is a name, not an address.
 */
export function parseHostToIp(host: string): ParsedIp | null {
  let text = host.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  if (text.includes(':')) {
    const value = parseIPv6(text);
    return value === null ? null : { version: 6, value };
  }
  if (text.endsWith('.')) text = text.slice(0, -1);
  const value = parseIPv4Loose(text);
  return value === null ? null : { version: 4, value };
}

/** `inet_aton` semantics: 1–4 parts, each decimal, octal (leading 0) or hex (0x); the last fills the rest. */
function parseIPv4Loose(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length < 1 || parts.length > 4) return null;
  const numbers: bigint[] = [];
  for (const part of parts) {
    const number = parseIPv4Part(part);
    if (number === null) return null;
    numbers.push(number);
  }
  const last = numbers.pop() ?? 0n;
  let value = 0n;
  for (const [index, number] of numbers.entries()) {
    if (number > 255n) return null;
    value |= number << BigInt(8 * (3 - index));
  }
  const lastBits = BigInt(8 * (4 - numbers.length));
  if (last >= 1n << lastBits) return null;
  return value | last;
}

function parseIPv4Part(part: string): bigint | null {
  if (/^0x[0-9a-f]*$/.test(part)) return part.length === 2 ? 0n : BigInt(part);
  if (/^0[0-7]+$/.test(part)) return BigInt(`0o${part.slice(1)}`);
  if (/^(0|[1-9][0-9]*)$/.test(part)) return BigInt(part);
  return null;
}

/** Strict dotted quad, as allowed in the tail of an IPv6 address. */
function parseIPv4Strict(text: string): bigint | null {
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return null;
  return parseIPv4Loose(text.replace(/(^|\.)0+(\d)/g, '$1$2'));
}

function parseIPv6(text: string): bigint | null {
  const address = text.split('%')[0] ?? '';
  if (!isIPv6(address)) return null;
  let head = address;
  let tail: bigint | null = null;
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.', lastColon)) {
    tail = parseIPv4Strict(head.slice(lastColon + 1));
    if (tail === null) return null;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left ? left.split(':') : [];
  const rightGroups = right ? right.split(':') : [];
  const fill = right === undefined ? 0 : 8 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(fill).fill('0'), ...rightGroups];
  if (groups.length !== 8) return null;
  let value = groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
  if (tail !== null) value = (value & ~0xffffffffn) | tail;
  return value;
}

/** Canonical text: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) return formatIPv4(ip.value);
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((ip.value >> BigInt(16 * (7 - i))) & 0xffffn),
  );
  const run = longestZeroRun(groups);
  const hex = groups.map((group) => group.toString(16));
  if (run.length < 2) return hex.join(':');
  const before = hex.slice(0, run.start).join(':');
  const after = hex.slice(run.start + run.length).join(':');
  return `${before}::${after}`;
}

export function formatIPv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function longestZeroRun(groups: readonly number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  groups.forEach((group, index) => {
    if (group !== 0) {
      start = -1;
      return;
    }
    if (start < 0) start = index;
    const length = index - start + 1;
    if (length > best.length) best = { start, length };
  });
  return best;
}

/** Parses `10.0.0.0/8` or `fd00::/8`; a bare address is a single-host range. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseStrictAddress(address);
  if (ip === null) return null;
  const bits = ip.version === 4 ? IPV4_BITS : IPV6_BITS;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? String(bits)) || prefix > bits) return null;
  const mask = maskFor(prefix, bits);
  return { version: ip.version, base: ip.value & mask, prefix };
}

/** An address in canonical notation only: CIDR entries in config must not use odd forms. */
function parseStrictAddress(text: string): ParsedIp | null {
  if (text.includes(':')) return text.includes('%') ? null : parseHostToIp(text);
  const value = parseIPv4Strict(text);
  return value === null ? null : { version: 4, value };
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.version !== ip.version) return false;
  const bits = cidr.version === 4 ? IPV4_BITS : IPV6_BITS;
  return (ip.value & maskFor(cidr.prefix, bits)) === cidr.base;
}

function maskFor(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}
