import { classifyAddress, describeAddress, type AddressKind } from './ip-address.classifier';

describe('classifyAddress', () => {
  it.each<[string, AddressKind]>([
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['169.254.1.1', 'link_local'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['febf::1', 'link_local'],
    ['fec0::1', 'private'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['fd00:ec2::254', 'metadata'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['4000::1', 'reserved'],
  ])('%s is %s', (address, kind) => {
    expect(classifyAddress(address)?.kind).toBe(kind);
  });

  it.each<[string, AddressKind, string]>([
    ['::ffff:127.0.0.1', 'loopback', 'ipv4_mapped'],
    ['::ffff:7f00:1', 'loopback', 'ipv4_mapped'],
    ['::ffff:a9fe:a9fe', 'metadata', 'ipv4_mapped'],
    ['::ffff:10.0.0.1', 'private', 'ipv4_mapped'],
    ['::ffff:8.8.8.8', 'public', 'ipv4_mapped'],
    ['64:ff9b::127.0.0.1', 'loopback', 'nat64'],
    ['64:ff9b::a9fe:a9fe', 'metadata', 'nat64'],
    ['64:ff9b::8.8.8.8', 'public', 'nat64'],
    ['2002:7f00:1::', 'loopback', '6to4'],
    ['2002:a9fe:a9fe:1::1', 'metadata', '6to4'],
    ['2002:0808:0808::1', 'public', '6to4'],
    ['::127.0.0.1', 'loopback', 'ipv4_compatible'],
    ['::8.8.8.8', 'reserved', 'ipv4_compatible'],
  ])('%s carries an IPv4 address and is %s', (address, kind, via) => {
    const result = classifyAddress(address);
    expect(result?.kind).toBe(kind);
    expect(result?.embedded?.via).toBe(via);
  });

  it('classifies the odd IPv4 forms by their value', () => {
    expect(classifyAddress('2130706433')?.kind).toBe('loopback');
    expect(classifyAddress('0x7f.1')?.address).toBe('127.0.0.1');
  });

  it('returns null for names', () => {
    expect(classifyAddress('localhost')).toBeNull();
  });

  it('describes embedded addresses with what they carry', () => {
    const result = classifyAddress('::ffff:7f00:1');
    expect(describeAddress(result!)).toBe(
      'loopback address ::ffff:7f00:1 (carries 127.0.0.1 via ipv4_mapped)',
    );
  });
});
