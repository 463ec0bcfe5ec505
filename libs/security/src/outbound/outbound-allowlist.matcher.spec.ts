import {
  hostMatchesPattern,
  normaliseHostname,
  normaliseUrlPrefix,
  parseHostPattern,
  urlMatchesPrefix,
} from './outbound-allowlist.matcher';

describe('host patterns', () => {
  it.each([
    ['api.x.com', 'api.x.com', true],
    ['api.x.com', 'x.com', false],
    ['api.x.com', 'evil-api.x.com', false],
    ['*.x.com', 'a.x.com', true],
    ['*.x.com', 'a.b.x.com', true],
    ['*.x.com', 'x.com', false],
    ['*.x.com', 'evilx.com', false],
    ['.x.com', 'x.com', true],
    ['.x.com', 'a.x.com', true],
    ['.x.com', 'x.com.evil.org', false],
    ['API.X.COM.', 'api.x.com', true],
    ['fd00::1', 'fd00::1', true],
    ['[FD00:0::1]', 'fd00::1', true],
  ])('%s matches %s: %s', (entry, host, expected) => {
    const pattern = parseHostPattern(entry);
    expect(pattern).not.toBeNull();
    expect(hostMatchesPattern(pattern!, normaliseHostname(host))).toBe(expected);
  });

  it.each([
    '',
    '*.',
    '.',
    'x.com:443',
    'http://x.com',
    'a b.com',
    '*x.com',
    'x.com/path',
    'u@x.com',
    '0x7f.1',
  ])('rejects %j', (entry) => {
    expect(parseHostPattern(entry)).toBeNull();
  });
});

describe('URL prefixes', () => {
  it('normalise like checked URLs', () => {
    expect(normaliseUrlPrefix('HTTP://LocalHost:80')).toBe('http://localhost/');
    expect(normaliseUrlPrefix('http://2130706433:8080/mcp')).toBe('http://127.0.0.1:8080/mcp');
    expect(normaliseUrlPrefix('http://u:p@h/')).toBeNull();
    expect(normaliseUrlPrefix('http://h/?q=1')).toBeNull();
    expect(normaliseUrlPrefix('ftp://h/')).toBeNull();
  });

  it.each([
    ['http://h/api', 'http://h/api', true],
    ['http://h/api/x', 'http://h/api', true],
    ['http://h/api?x', 'http://h/api', true],
    ['http://h/apix', 'http://h/api', false],
    ['http://h:10/', 'http://h:1/', false],
    ['http://h.evil/', 'http://h/', false],
    ['http://h/anything', 'http://h/', true],
  ])('%s under %s: %s', (href, prefix, expected) => {
    expect(urlMatchesPrefix(href, prefix)).toBe(expected);
  });
});
