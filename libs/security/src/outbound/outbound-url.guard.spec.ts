import { ScriptedHostResolver } from './__fixtures__/scripted-host.resolver';
import { OutboundUrlGuard } from './outbound-url.guard';
import { resolveOutboundConfig } from './outbound.config';
import { OutboundException, SsrfBlockReason } from './outbound.exception';

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

function newResolver(): ScriptedHostResolver {
  return new ScriptedHostResolver({
    'evil.com': [PUBLIC_V4],
    'dual.example': [PUBLIC_V4, PUBLIC_V6],
    'rebind.evil': [PUBLIC_V4, '127.0.0.1'],
    'rebind6.evil': [PUBLIC_V6, '::ffff:169.254.169.254'],
    'flip.evil': [[PUBLIC_V4], ['127.0.0.1']],
    'internal.corp': ['10.0.0.5'],
    'metadata-alias.evil': ['169.254.169.254'],
    'v6loop.evil': ['::1'],
    'mapped.evil': ['::ffff:127.0.0.1'],
    'nat64.evil': ['64:ff9b::7f00:1'],
    'garbage.evil': [PUBLIC_V4, 'not-an-ip'],
    'empty.evil': [],
    'api.partner.com': [PUBLIC_V4],
    'svc.corp.example': ['10.20.0.7'],
    'corp.example': [PUBLIC_V4],
    'trusted.example': ['192.168.4.4'],
    'db.trusted.example': ['172.16.9.9'],
    'loop.trusted.example': ['127.0.0.1'],
    'meta.trusted.example': ['fd00:ec2::254'],
    'cidr.corp': ['10.100.3.4', '10.100.3.5'],
  });
}

function guardWith(env: Record<string, string> = {}, resolver = newResolver()): OutboundUrlGuard {
  return new OutboundUrlGuard(resolveOutboundConfig(env), resolver);
}

async function blockedReason(guard: OutboundUrlGuard, url: string): Promise<OutboundException> {
  const error: unknown = await guard.check(url).then(
    () => new Error(`${url} was allowed`),
    (err: unknown) => err,
  );
  if (!(error instanceof OutboundException)) throw error;
  return error;
}

const R = SsrfBlockReason;

// Each hostile URL with the reason it must be blocked for, under the default (empty) config.
const HOSTILE: ReadonlyArray<readonly [string, SsrfBlockReason]> = [
  ['http://127.0.0.1/', R.Loopback],
  ['http://127.0.0.1:8080/admin', R.Loopback],
  ['https://127.0.0.1:65535/', R.Loopback],
  ['HTTP://127.0.0.1/', R.Loopback],
  ['http://2130706433/', R.Loopback],
  ['http://0x7f000001/', R.Loopback],
  ['http://0177.0.0.1/', R.Loopback],
  ['http://017700000001/', R.Loopback],
  ['http://127.000.000.001/', R.Loopback],
  ['http://127.1/', R.Loopback],
  ['http://0x7f.1/', R.Loopback],
  ['http://127.0.0.1./', R.Loopback],
  ['http://%31%32%37.0.0.1/', R.Loopback],
  ['http://①②⑦.0.0.1/', R.Loopback],
  ['http://127。0。0。1/', R.Loopback],
  ['http://[::1]/', R.Loopback],
  ['http://[0:0:0:0:0:0:0:1]:80/', R.Loopback],
  ['http://[::ffff:127.0.0.1]/', R.Loopback],
  ['http://[::ffff:7f00:1]/', R.Loopback],
  ['http://[64:ff9b::127.0.0.1]/', R.Loopback],
  ['http://[2002:7f00:1::]/', R.Loopback],
  ['http://[::127.0.0.1]/', R.Loopback],
  ['http://127.0.0.1#@evil.com/', R.Loopback],
  ['http://127.0.0.1?@evil.com/', R.Loopback],
  ['http://[fe80::1]/', R.LinkLocal],
  ['http://[fe80::1%25eth0]/', R.InvalidUrl],
  ['http://169.254.10.10/', R.LinkLocal],
  ['http://169.254.169.254/latest/meta-data/', R.Metadata],
  ['http://0xa9fea9fe/', R.Metadata],
  ['http://2852039166/', R.Metadata],
  ['http://[::ffff:169.254.169.254]/', R.Metadata],
  ['http://[64:ff9b::a9fe:a9fe]/', R.Metadata],
  ['http://[fd00:ec2::254]/', R.Metadata],
  ['http://100.100.100.200/', R.Metadata],
  ['http://metadata.google.internal/computeMetadata/v1/', R.MetadataHost],
  ['http://METADATA.GOOGLE.INTERNAL./', R.MetadataHost],
  ['http://metadata/', R.MetadataHost],
  ['http://0.0.0.0/', R.Unspecified],
  ['http://0/', R.Unspecified],
  ['http://[::]/', R.Unspecified],
  ['http://localhost/', R.LocalhostName],
  ['http://LOCALHOST:3000/', R.LocalhostName],
  ['http://localhost./', R.LocalhostName],
  ['http://localhost%2e/', R.LocalhostName],
  ['http://api.localhost/', R.LocalhostName],
  ['http://10.0.0.1/', R.Private],
  ['http://172.16.5.4/', R.Private],
  ['http://192.168.0.1/', R.Private],
  ['http://[::ffff:a00:1]/', R.Private],
  ['http://100.64.1.1/', R.Cgnat],
  ['http://[fd12:3456::1]/', R.UniqueLocal],
  ['http://224.0.0.1/', R.Multicast],
  ['http://[ff02::1]/', R.Multicast],
  ['http://255.255.255.255/', R.Broadcast],
  ['http://240.0.0.1/', R.Reserved],
  ['file:///etc/passwd', R.SchemeNotAllowed],
  ['gopher://127.0.0.1:6379/_FLUSHALL', R.SchemeNotAllowed],
  ['ftp://evil.com/', R.SchemeNotAllowed],
  ['dict://127.0.0.1:11211/stats', R.SchemeNotAllowed],
  ['ws://evil.com/', R.SchemeNotAllowed],
  ['http://evil.com@127.0.0.1/', R.UserinfoNotAllowed],
  ['http://user:pass@evil.com/', R.UserinfoNotAllowed],
  ['http://:secret@evil.com/', R.UserinfoNotAllowed],
  ['http://rebind.evil/', R.Loopback],
  ['http://rebind6.evil/', R.Metadata],
  ['http://internal.corp/', R.Private],
  ['http://metadata-alias.evil/', R.Metadata],
  ['http://v6loop.evil/', R.Loopback],
  ['http://mapped.evil/', R.Loopback],
  ['http://nat64.evil/', R.Loopback],
  ['http://garbage.evil/', R.DnsResolutionFailed],
  ['http://empty.evil/', R.DnsResolutionFailed],
  ['http://nxdomain.evil/', R.DnsResolutionFailed],
  ['not a url', R.InvalidUrl],
  ['//127.0.0.1/', R.InvalidUrl],
];

describe(OutboundUrlGuard.name, () => {
  describe('hostile URLs under the default policy', () => {
    it('covers at least 40 URLs', () => {
      expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
    });

    it.each(HOSTILE)('blocks %s (%s)', async (url, reason) => {
      const error = await blockedReason(guardWith(), url);
      expect(error.status).toBe(400);
      expect(error.code).toBe('ssrf_blocked');
      expect(error.reason).toBe(reason);
    });
  });

  it('names the reason and the address in the message', async () => {
    const guard = guardWith();
    await expect(guard.check('http://2130706433/')).rejects.toThrow(
      'Outbound URL blocked: loopback address 127.0.0.1 is not allowed',
    );
    await expect(guard.check('http://rebind.evil/x')).rejects.toThrow(
      'host rebind.evil resolves to loopback address 127.0.0.1, which is not allowed',
    );
    await expect(guard.check('http://[::ffff:7f00:1]/')).rejects.toThrow(
      'loopback address ::ffff:7f00:1 (carries 127.0.0.1 via ipv4_mapped) is not allowed',
    );
  });

  it('never echoes credentials or the query', async () => {
    const guard = guardWith();
    const userinfo = await blockedReason(guard, 'http://admin:hunter2@evil.com/?key=sk-123');
    expect(userinfo.message).not.toMatch(/hunter2|admin|sk-123/);
    const blocked = await blockedReason(guard, 'http://10.0.0.1/?api_key=sk-123');
    expect(blocked.message).not.toContain('sk-123');
  });

  it('allows a public host and returns every vetted address, one lookup per check', async () => {
    const resolver = newResolver();
    const guard = guardWith({}, resolver);
    const target = await guard.check('https://dual.example:8443/v1?q=1');
    expect(target.addresses).toEqual([PUBLIC_V4, PUBLIC_V6]);
    expect(target.hostname).toBe('dual.example');
    expect(target.url.port).toBe('8443');
    expect(target.allowedBy).toBe('policy');
    expect(resolver.callsFor('dual.example')).toBe(1);
  });

  it('does not resolve IP literals', async () => {
    const resolver = newResolver();
    const target = await guardWith({}, resolver).check('http://[2606:4700:4700::1111]:8080/');
    expect(target.addresses).toEqual(['2606:4700:4700::1111']);
    expect(resolver.calls).toEqual([]);
  });

  it('re-checks on every call, so a resolver that flips to loopback is caught', async () => {
    const resolver = newResolver();
    const guard = guardWith({}, resolver);
    await expect(guard.check('http://flip.evil/')).resolves.toMatchObject({
      addresses: [PUBLIC_V4],
    });
    const second = await blockedReason(guard, 'http://flip.evil/');
    expect(second.reason).toBe(R.Loopback);
    expect(resolver.callsFor('flip.evil')).toBe(2);
  });

  describe('host allowlist', () => {
    const env = {
      LLMROUTER_OUTBOUND_HOST_ALLOWLIST: 'api.partner.com,*.corp.example,.trusted.example',
    };

    it('reaches only listed hosts', async () => {
      const guard = guardWith(env);
      await expect(guard.check('https://api.partner.com/v1')).resolves.toBeDefined();
      expect((await blockedReason(guard, 'https://evil.com/')).reason).toBe(R.HostNotAllowlisted);
      expect((await blockedReason(guard, 'https://x.api.partner.com/')).reason).toBe(
        R.HostNotAllowlisted,
      );
    });

    it('treats *.domain as subdomains only and .domain as the domain and its subdomains', async () => {
      const guard = guardWith(env);
      await expect(guard.check('http://svc.corp.example/')).resolves.toBeDefined();
      expect((await blockedReason(guard, 'http://corp.example/')).reason).toBe(
        R.HostNotAllowlisted,
      );
      await expect(guard.check('http://trusted.example/')).resolves.toBeDefined();
      await expect(guard.check('http://db.trusted.example./')).resolves.toBeDefined();
    });

    it('lets listed hosts resolve to private addresses but never to loopback or metadata', async () => {
      const guard = guardWith(env);
      await expect(guard.check('http://svc.corp.example/')).resolves.toMatchObject({
        addresses: ['10.20.0.7'],
      });
      expect((await blockedReason(guard, 'http://loop.trusted.example/')).reason).toBe(R.Loopback);
      expect((await blockedReason(guard, 'http://meta.trusted.example/')).reason).toBe(R.Metadata);
    });

    it('accepts the legacy LLMROUTER_SSRF_ALLOWLIST_HOSTS name', async () => {
      const guard = guardWith({ LLMROUTER_SSRF_ALLOWLIST_HOSTS: 'mcp.internal' });
      expect((await blockedReason(guard, 'http://evil.com/')).reason).toBe(R.HostNotAllowlisted);
    });
  });

  describe('private addresses', () => {
    it('allows addresses inside a CIDR of the allowlist only', async () => {
      const guard = guardWith({ LLMROUTER_OUTBOUND_CIDR_ALLOWLIST: '10.100.0.0/16, fd00:1::/32' });
      await expect(guard.check('http://10.100.1.1/')).resolves.toBeDefined();
      await expect(guard.check('http://cidr.corp/')).resolves.toMatchObject({
        addresses: ['10.100.3.4', '10.100.3.5'],
      });
      await expect(guard.check('http://[fd00:1:2::3]/')).resolves.toBeDefined();
      expect((await blockedReason(guard, 'http://10.101.0.1/')).reason).toBe(R.Private);
      expect((await blockedReason(guard, 'http://internal.corp/')).reason).toBe(R.Private);
    });

    it('never lets a CIDR allowlist open loopback, link-local or metadata', async () => {
      const guard = guardWith({
        LLMROUTER_SSRF_ALLOWLIST_CIDRS: '127.0.0.0/8,169.254.0.0/16,::1/128,0.0.0.0/0',
      });
      expect((await blockedReason(guard, 'http://127.0.0.1/')).reason).toBe(R.Loopback);
      expect((await blockedReason(guard, 'http://169.254.169.254/')).reason).toBe(R.Metadata);
      expect((await blockedReason(guard, 'http://169.254.1.1/')).reason).toBe(R.LinkLocal);
      expect((await blockedReason(guard, 'http://[::1]/')).reason).toBe(R.Loopback);
      await expect(guard.check('http://192.168.1.1/')).resolves.toBeDefined();
    });

    it('allows every private range with ALLOW_PRIVATE, and still nothing local', async () => {
      const guard = guardWith({ LLMROUTER_OUTBOUND_ALLOW_PRIVATE: 'true' });
      for (const url of [
        'http://10.0.0.1/',
        'http://100.64.0.1/',
        'http://[fd12::1]/',
        'http://internal.corp/',
      ]) {
        await expect(guard.check(url)).resolves.toBeDefined();
      }
      expect((await blockedReason(guard, 'http://127.0.0.1/')).reason).toBe(R.Loopback);
      expect((await blockedReason(guard, 'http://100.100.100.200/')).reason).toBe(R.Metadata);
      expect((await blockedReason(guard, 'http://localhost/')).reason).toBe(R.LocalhostName);
    });

    it('accepts the legacy LLMROUTER_ALLOW_PRIVATE_IPS name', async () => {
      const guard = guardWith({ LLMROUTER_ALLOW_PRIVATE_IPS: '1' });
      await expect(guard.check('http://172.20.0.1/')).resolves.toBeDefined();
    });
  });

  describe('URL prefix allowlist', () => {
    const env = {
      LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'http://127.0.0.1:8080/mcp,http://localhost:9000',
    };

    it('is the one way to reach loopback, at a path boundary of the prefix', async () => {
      const guard = guardWith(env);
      await expect(guard.check('http://127.0.0.1:8080/mcp')).resolves.toMatchObject({
        allowedBy: 'url_allowlist',
        addresses: ['127.0.0.1'],
      });
      await expect(guard.check('http://127.0.0.1:8080/mcp/tools?x=1')).resolves.toBeDefined();
      await expect(guard.check('http://2130706433:8080/mcp/')).resolves.toBeDefined();
      expect((await blockedReason(guard, 'http://127.0.0.1:8080/mcpx')).reason).toBe(R.Loopback);
      expect((await blockedReason(guard, 'http://127.0.0.1:8081/mcp')).reason).toBe(R.Loopback);
      expect((await blockedReason(guard, 'https://127.0.0.1:8080/mcp')).reason).toBe(R.Loopback);
    });

    it('still resolves allowlisted names, failing closed', async () => {
      const guard = guardWith(env);
      expect((await blockedReason(guard, 'http://localhost:9000/x')).reason).toBe(
        R.DnsResolutionFailed,
      );
      expect((await blockedReason(guard, 'http://localhost:9001/x')).reason).toBe(R.LocalhostName);
    });

    it('still refuses credentials', async () => {
      const guard = guardWith(env);
      expect((await blockedReason(guard, 'http://u:p@127.0.0.1:8080/mcp')).reason).toBe(
        R.UserinfoNotAllowed,
      );
    });
  });
});
