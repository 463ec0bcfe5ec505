import { Injectable } from '@nestjs/common';
import { HostResolver } from './host.resolver';
import {
  PRIVATE_KINDS,
  classifyAddress,
  describeAddress,
  type AddressClassification,
  type AddressKind,
} from './ip-address.classifier';
import { cidrContains, formatIp, parseCidr, parseHostToIp, type Cidr } from './ip-address.parser';
import {
  hostMatchesPattern,
  normaliseHostname,
  normaliseUrlPrefix,
  parseHostPattern,
  urlMatchesPrefix,
  type HostPattern,
} from './outbound-allowlist.matcher';
import { OutboundConfig } from './outbound.config';
import { OutboundException, SsrfBlockReason } from './outbound.exception';

/** A URL that passed the guard, with the addresses its connections must go to. */
export interface CheckedTarget {
  readonly url: URL;
  /** Lower case, without IPv6 brackets or a trailing dot. */
  readonly hostname: string;
  /** Every address the host resolved to, each vetted, in connection order. Never empty. */
  readonly addresses: readonly string[];
  /** `url_allowlist` when a URL prefix allowed it and the address checks were skipped. */
  readonly allowedBy: 'policy' | 'url_allowlist';
}

const LOCALHOST_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
]);
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

const REASON_BY_KIND: Readonly<Record<Exclude<AddressKind, 'public'>, SsrfBlockReason>> = {
  private: SsrfBlockReason.Private,
  cgnat: SsrfBlockReason.Cgnat,
  unique_local: SsrfBlockReason.UniqueLocal,
  loopback: SsrfBlockReason.Loopback,
  link_local: SsrfBlockReason.LinkLocal,
  metadata: SsrfBlockReason.Metadata,
  unspecified: SsrfBlockReason.Unspecified,
  multicast: SsrfBlockReason.Multicast,
  broadcast: SsrfBlockReason.Broadcast,
  reserved: SsrfBlockReason.Reserved,
};

/**
 * Decides whether the gateway may call a URL it did not get from the operator's config.
 *
 * Policy, in order: http(s) only; no userinfo; a URL under a `urlAllowlist` prefix is allowed
 * with no address checks (the only way to reach loopback); localhost and metadata names are
 * refused; with a host allowlist set, other hosts are refused; then every resolved address must
 * be public, or private (RFC 1918, CGNAT, ULA) and permitted by `allowPrivate`, the CIDR
 * allowlist or the host being on the host allowlist. Loopback, link-local, metadata,
 * unspecified, multicast, broadcast and reserved addresses are never permitted by those.
 * DNS failure blocks. One DNS lookup per check; callers connect only to `addresses`.
 */
@Injectable()
export class OutboundUrlGuard {
  private readonly hostPatterns: readonly HostPattern[];
  private readonly cidrs: readonly Cidr[];
  private readonly urlPrefixes: readonly string[];

  constructor(
    private readonly config: OutboundConfig,
    private readonly resolver: HostResolver,
  ) {
    this.hostPatterns = config.hostAllowlist.map((entry) => compiled(parseHostPattern(entry)));
    this.cidrs = config.cidrAllowlist.map((entry) => compiled(parseCidr(entry)));
    this.urlPrefixes = config.urlAllowlist.map((entry) => compiled(normaliseUrlPrefix(entry)));
  }

  /** @throws OutboundException `ssrf_blocked` with the reason when the URL may not be called. */
  async check(url: string | URL): Promise<CheckedTarget> {
    const parsed = parseTargetUrl(url);
    const hostname = normaliseHostname(parsed.hostname);
    if (this.urlPrefixes.some((prefix) => urlMatchesPrefix(parsed.href, prefix))) {
      const addresses = await this.addressesOf(hostname);
      return { url: parsed, hostname, addresses, allowedBy: 'url_allowlist' };
    }
    refuseSpecialNames(hostname);
    const hostAllowlisted = this.checkHostAllowlist(hostname);
    const addresses = await this.addressesOf(hostname);
    for (const address of addresses) this.vet(hostname, address, hostAllowlisted);
    return { url: parsed, hostname, addresses, allowedBy: 'policy' };
  }

  /** @returns whether the host is on a non-empty host allowlist. */
  private checkHostAllowlist(hostname: string): boolean {
    if (this.hostPatterns.length === 0) return false;
    if (this.hostPatterns.some((pattern) => hostMatchesPattern(pattern, hostname))) return true;
    throw OutboundException.blocked(
      SsrfBlockReason.HostNotAllowlisted,
      `host ${hostname} is not in LLMROUTER_OUTBOUND_HOST_ALLOWLIST`,
    );
  }

  /** Canonical addresses, deduplicated; a literal is its own address. Fails closed. */
  private async addressesOf(hostname: string): Promise<readonly string[]> {
    const literal = parseHostToIp(hostname);
    if (literal) return [formatIp(literal)];
    let records: readonly string[];
    try {
      records = await this.resolver.resolve(hostname);
    } catch {
      throw dnsFailed(hostname);
    }
    const addresses = new Set<string>();
    for (const record of records) {
      const ip = parseHostToIp(record);
      if (!ip) throw dnsFailed(hostname);
      addresses.add(formatIp(ip));
    }
    if (addresses.size === 0) throw dnsFailed(hostname);
    return [...addresses];
  }

  private vet(hostname: string, address: string, hostAllowlisted: boolean): void {
    const classification = classifyAddress(address);
    if (!classification) throw dnsFailed(hostname);
    if (classification.kind === 'public') return;
    if (PRIVATE_KINDS.has(classification.kind) && this.permitsPrivate(address, hostAllowlisted)) {
      return;
    }
    throw blockedAddress(hostname, classification, REASON_BY_KIND[classification.kind]);
  }

  private permitsPrivate(address: string, hostAllowlisted: boolean): boolean {
    if (this.config.allowPrivate || hostAllowlisted) return true;
    const ip = parseHostToIp(address);
    return ip !== null && this.cidrs.some((cidr) => cidrContains(cidr, ip));
  }
}

function compiled<T>(value: T | null): T {
  // resolveOutboundConfig validated every entry; a null here means the config bypassed it.
  if (value === null) throw new Error('OutboundConfig holds an entry that failed validation');
  return value;
}

function parseTargetUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(typeof url === 'string' ? url : url.href);
  } catch {
    throw OutboundException.blocked(SsrfBlockReason.InvalidUrl, 'not a valid absolute URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw OutboundException.blocked(
      SsrfBlockReason.SchemeNotAllowed,
      `scheme ${JSON.stringify(parsed.protocol.slice(0, 20))} is not allowed; use http or https`,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw OutboundException.blocked(
      SsrfBlockReason.UserinfoNotAllowed,
      'credentials in the URL (user:password@host) are not allowed',
    );
  }
  return parsed;
}

function refuseSpecialNames(hostname: string): void {
  if (LOCALHOST_NAMES.has(hostname) || hostname.endsWith('.localhost')) {
    throw OutboundException.blocked(
      SsrfBlockReason.LocalhostName,
      `host ${hostname} is a localhost name, which is not allowed`,
    );
  }
  if (METADATA_NAMES.has(hostname)) {
    throw OutboundException.blocked(
      SsrfBlockReason.MetadataHost,
      `host ${hostname} is a cloud metadata name, which is not allowed`,
    );
  }
}

function dnsFailed(hostname: string): OutboundException {
  return OutboundException.blocked(
    SsrfBlockReason.DnsResolutionFailed,
    `host ${hostname} could not be resolved to an IP address`,
  );
}

function blockedAddress(
  hostname: string,
  c: AddressClassification,
  reason: SsrfBlockReason,
): OutboundException {
  const described = describeAddress(c);
  const detail =
    hostname === c.address || parseHostToIp(hostname)
      ? `${described} is not allowed`
      : `host ${hostname} resolves to ${described}, which is not allowed`;
  return OutboundException.blocked(reason, detail);
}
