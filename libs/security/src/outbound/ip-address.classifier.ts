import {
  cidrContains,
  formatIp,
  parseCidr,
  parseHostToIp,
  type Cidr,
  type ParsedIp,
} from './ip-address.parser';

/**
 * What an address is, for the outbound policy. `private`, `cgnat` and `unique_local` may be
 * allowed by configuration; `public` always is; every other kind never is.
 */
export type AddressKind =
  | 'public'
  | 'private'
  | 'cgnat'
  | 'unique_local'
  | 'loopback'
  | 'link_local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved';

/** How an IPv4 address was carried inside an IPv6 one. */
export type EmbeddingKind = 'ipv4_mapped' | 'ipv4_compatible' | 'nat64' | '6to4';

export interface AddressClassification {
  readonly kind: AddressKind;
  /** Canonical text of the address. */
  readonly address: string;
  /** The IPv4 address an IPv6 one carries, when its kind came from that. */
  readonly embedded?: { readonly via: EmbeddingKind; readonly address: string };
}

/** Kinds that configuration (allow-private, CIDR or host allowlist) may permit. */
export const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set([
  'private',
  'cgnat',
  'unique_local',
]);

type Rule = readonly [Cidr, AddressKind];

function builtIn(text: string): Cidr {
  const cidr = parseCidr(text);
  if (!cidr) throw new Error(`bad built-in range ${text}`);
  return cidr;
}

function rules(entries: ReadonlyArray<readonly [string, AddressKind]>): Rule[] {
  return entries.map(([text, kind]) => [builtIn(text), kind] as const);
}

// First match wins: metadata addresses sit inside wider ranges and must be seen first.
const IPV4_RULES = rules([
  ['169.254.169.254/32', 'metadata'],
  ['100.100.100.200/32', 'metadata'],
  ['0.0.0.0/8', 'unspecified'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['10.0.0.0/8', 'private'],
  ['172.16.0.0/12', 'private'],
  ['192.168.0.0/16', 'private'],
  ['100.64.0.0/10', 'cgnat'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'reserved'],
  ['192.88.99.0/24', 'reserved'],
  ['198.18.0.0/15', 'reserved'],
  ['198.51.100.0/24', 'reserved'],
  ['203.0.113.0/24', 'reserved'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved'],
]);

const IPV6_RULES = rules([
  ['fd00:ec2::254/128', 'metadata'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'private'],
  ['fc00::/7', 'unique_local'],
  ['ff00::/8', 'multicast'],
  ['100::/64', 'reserved'],
  ['2001::/32', 'reserved'],
  ['2001:db8::/32', 'reserved'],
  ['2001:10::/28', 'reserved'],
  ['2001:20::/28', 'reserved'],
]);

const GLOBAL_UNICAST_V6 = builtIn('2000::/3');

const EMBEDDINGS: ReadonlyArray<readonly [Cidr, EmbeddingKind, number]> = [
  // [range, how, bit offset of the IPv4 address from the right]
  [builtIn('::ffff:0:0/96'), 'ipv4_mapped', 0],
  [builtIn('64:ff9b::/96'), 'nat64', 0],
  [builtIn('64:ff9b:1::/48'), 'nat64', 0],
  [builtIn('2002::/16'), '6to4', 80],
  [builtIn('::/96'), 'ipv4_compatible', 0],
];

/**
 * Classifies an IP address (any form `parseHostToIp` accepts). IPv6 addresses that carry an IPv4
 * address (IPv4-mapped, IPv4-compatible, NAT64, 6to4) take the kind of the address they carry,
 * so `::ffff:127.0.0.1` is loopback.
 * @returns null when the text is not an IP address.
 */
export function classifyAddress(ip: string | ParsedIp): AddressClassification | null {
  const parsed = typeof ip === 'string' ? parseHostToIp(ip) : ip;
  if (!parsed) return null;
  const address = formatIp(parsed);
  if (parsed.version === 4) return { kind: classifyV4(parsed), address };
  const own = matchRule(IPV6_RULES, parsed);
  if (own) return { kind: own, address };
  const embedded = embeddedV4(parsed);
  if (embedded) {
    const kind = classifyV4(embedded.ip);
    const carried = { via: embedded.via, address: formatIp(embedded.ip) };
    // A deprecated IPv4-compatible address is never a legitimate target, whatever it carries.
    const finalKind = embedded.via === 'ipv4_compatible' && kind === 'public' ? 'reserved' : kind;
    return { kind: finalKind, address, embedded: carried };
  }
  return { kind: cidrContains(GLOBAL_UNICAST_V6, parsed) ? 'public' : 'reserved', address };
}

function classifyV4(ip: ParsedIp): AddressKind {
  return matchRule(IPV4_RULES, ip) ?? 'public';
}

function matchRule(table: readonly Rule[], ip: ParsedIp): AddressKind | null {
  for (const [cidr, kind] of table) if (cidrContains(cidr, ip)) return kind;
  return null;
}

function embeddedV4(ip: ParsedIp): { ip: ParsedIp; via: EmbeddingKind } | null {
  for (const [cidr, via, shift] of EMBEDDINGS) {
    if (!cidrContains(cidr, ip)) continue;
    return { ip: { version: 4, value: (ip.value >> BigInt(shift)) & 0xffffffffn }, via };
  }
  return null;
}

const KIND_LABELS: Readonly<Record<AddressKind, string>> = {
  public: 'public',
  private: 'private',
  cgnat: 'carrier-grade NAT (shared)',
  unique_local: 'unique local IPv6',
  loopback: 'loopback',
  link_local: 'link-local',
  metadata: 'cloud metadata',
  unspecified: 'unspecified',
  multicast: 'multicast',
  broadcast: 'broadcast',
  reserved: 'reserved',
};

/** `loopback address ::ffff:7f00:1 (carries 127.0.0.1)` — for block messages. */
export function describeAddress(classification: AddressClassification): string {
  const label = `${KIND_LABELS[classification.kind]} address ${classification.address}`;
  const carried = classification.embedded;
  return carried ? `${label} (carries ${carried.address} via ${carried.via})` : label;
}
