import { cidrContains, formatIp, parseCidr, parseHostToIp } from './ip-address.parser';

function canonical(host: string): string | null {
  const ip = parseHostToIp(host);
  return ip ? formatIp(ip) : null;
}

describe('parseHostToIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.0000.0000.0001', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['[::1]', '::1'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['[::FFFF:7F00:1]', '::ffff:7f00:1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['64:ff9b::10.0.0.1', '64:ff9b::a00:1'],
  ])('reads %s as %s', (host, expected) => {
    expect(canonical(host)).toBe(expected);
  });

  it.each([
    'example.com',
    '256.0.0.1',
    '1.2.3.4.5',
    '4294967296',
    '127.0.0.256.',
    '08.0.0.1',
    '1..2',
    '',
    '::ffff:1.2.3',
    '[::1',
    '1:2:3:4:5:6:7:8:9',
  ])('returns null for %j', (host) => {
    expect(parseHostToIp(host)).toBeNull();
  });

  it('reads 0x alone as a zero part, as inet_aton does', () => {
    expect(canonical('0x.0.0.1')).toBe('0.0.0.1');
  });
});

describe('parseCidr', () => {
  it('matches addresses inside an IPv4 range only', () => {
    const cidr = parseCidr('10.100.0.0/16');
    expect(cidr).not.toBeNull();
    expect(cidrContains(cidr!, parseHostToIp('10.100.255.1')!)).toBe(true);
    expect(cidrContains(cidr!, parseHostToIp('10.101.0.1')!)).toBe(false);
    expect(cidrContains(cidr!, parseHostToIp('::ffff:10.100.0.1')!)).toBe(false);
  });

  it('matches IPv6 ranges and treats a bare address as a single host', () => {
    const range = parseCidr('fd00:1234::/32')!;
    expect(cidrContains(range, parseHostToIp('fd00:1234:ffff::1')!)).toBe(true);
    expect(cidrContains(range, parseHostToIp('fd00:1235::1')!)).toBe(false);
    const single = parseCidr('192.168.50.7')!;
    expect(single.prefix).toBe(32);
    expect(cidrContains(single, parseHostToIp('192.168.50.7')!)).toBe(true);
    expect(cidrContains(single, parseHostToIp('192.168.50.8')!)).toBe(false);
  });

  it('masks host bits of the base address', () => {
    expect(parseCidr('192.168.50.77/24')).toEqual(parseCidr('192.168.50.0/24'));
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0/8',
    '0x0a000000/8',
    'ten/8',
    '10.0.0.0/',
    '10.0.0.0/8/1',
    'fe80::1%eth0/64',
    '10.0.0.0/-1',
  ])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeNull();
  });
});
