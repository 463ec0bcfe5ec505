import { buildIpList, normaliseIp, parseIpRange } from './ip-range';

function listOf(...entries: string[]) {
  return buildIpList(
    entries.map((entry) => {
      const range = parseIpRange(entry);
      if (!range) throw new Error(`test setup: ${entry} is invalid`);
      return range;
    }),
  );
}

describe('normaliseIp', () => {
  it('strips the IPv4-mapped IPv6 prefix and leaves other addresses alone', () => {
    expect(normaliseIp('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(normaliseIp('::FFFF:10.1.2.3')).toBe('10.1.2.3');
    expect(normaliseIp('10.1.2.3')).toBe('10.1.2.3');
    expect(normaliseIp('::1')).toBe('::1');
    expect(normaliseIp('::ffff:abcd')).toBe('::ffff:abcd');
    expect(normaliseIp(undefined)).toBeUndefined();
    expect(normaliseIp('')).toBeUndefined();
  });
});

describe('parseIpRange', () => {
  it('accepts single addresses and CIDRs of both families', () => {
    expect(parseIpRange('192.168.1.7')).toEqual({ address: '192.168.1.7', family: 'ipv4' });
    expect(parseIpRange('10.0.0.0/8')).toEqual({ address: '10.0.0.0', family: 'ipv4', prefix: 8 });
    expect(parseIpRange('::1')).toEqual({ address: '::1', family: 'ipv6' });
    expect(parseIpRange('fd00::/8')).toEqual({ address: 'fd00::', family: 'ipv6', prefix: 8 });
  });

  it('turns IPv4-mapped entries into IPv4', () => {
    expect(parseIpRange('::ffff:10.0.0.1')).toEqual({ address: '10.0.0.1', family: 'ipv4' });
    expect(parseIpRange('::ffff:10.0.0.0/104')).toEqual({
      address: '10.0.0.0',
      family: 'ipv4',
      prefix: 8,
    });
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '10.0.0.0/abc',
    '256.0.0.1',
    'localhost',
    'fe80::1%eth0',
    '',
  ])('rejects %j', (entry) => {
    expect(parseIpRange(entry)).toBeUndefined();
  });
});

describe('buildIpList', () => {
  it('matches IPv4 CIDRs and single addresses', () => {
    const list = listOf('10.0.0.0/8', '192.168.1.7');
    expect(list.check('10.255.0.1', 'ipv4')).toBe(true);
    expect(list.check('11.0.0.1', 'ipv4')).toBe(false);
    expect(list.check('192.168.1.7', 'ipv4')).toBe(true);
    expect(list.check('192.168.1.8', 'ipv4')).toBe(false);
  });

  it('matches IPv6 CIDRs and addresses in any spelling', () => {
    const list = listOf('fd00::/8', '::1');
    expect(list.check('fd12:3456::1', 'ipv6')).toBe(true);
    expect(list.check('fe80::1', 'ipv6')).toBe(false);
    expect(list.check('0:0:0:0:0:0:0:1', 'ipv6')).toBe(true);
  });

  it('matches IPv4-mapped peers against IPv4 ranges, and mapped ranges against IPv4 peers', () => {
    expect(listOf('10.0.0.0/8').check('::ffff:10.1.2.3', 'ipv6')).toBe(true);
    expect(listOf('::ffff:10.0.0.0/104').check('10.1.2.3', 'ipv4')).toBe(true);
    expect(listOf('::ffff:10.0.0.0/104').check('11.1.2.3', 'ipv4')).toBe(false);
  });

  it('never matches garbage addresses', () => {
    expect(listOf('0.0.0.0/0').check('not-an-ip', 'ipv4')).toBe(false);
  });
});
