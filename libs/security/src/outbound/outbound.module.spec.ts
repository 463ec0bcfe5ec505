import { ConfigModule } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { DnsHostResolver, HostResolver } from './host.resolver';
import { OutboundUrlGuard } from './outbound-url.guard';
import { OutboundConfig } from './outbound.config';
import { SsrfBlockReason } from './outbound.exception';
import { OutboundModule } from './outbound.module';
import { SafeOutboundClient } from './safe-outbound.client';

const VARIABLES = ['LLMROUTER_OUTBOUND_CIDR_ALLOWLIST', 'LLMROUTER_OUTBOUND_ALLOW_PRIVATE'];

describe(OutboundModule.name, () => {
  const saved = VARIABLES.map((name) => [name, process.env[name]] as const);

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('wires the config from the environment, the system resolver and both services', async () => {
    process.env.LLMROUTER_OUTBOUND_CIDR_ALLOWLIST = '10.9.0.0/16';
    process.env.LLMROUTER_OUTBOUND_ALLOW_PRIVATE = 'false';
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true }), OutboundModule],
    }).compile();
    expect(moduleRef.get(OutboundConfig).cidrAllowlist).toEqual(['10.9.0.0/16']);
    expect(moduleRef.get(HostResolver)).toBeInstanceOf(DnsHostResolver);
    const guard = moduleRef.get(OutboundUrlGuard);
    await expect(guard.check('http://10.9.1.1/')).resolves.toMatchObject({
      addresses: ['10.9.1.1'],
    });
    await expect(guard.check('http://10.8.1.1/')).rejects.toMatchObject({
      reason: SsrfBlockReason.Private,
    });
    expect(moduleRef.get(SafeOutboundClient)).toBeInstanceOf(SafeOutboundClient);
    await moduleRef.close();
  });

  it('fails at start-up naming a bad variable', async () => {
    process.env.LLMROUTER_OUTBOUND_CIDR_ALLOWLIST = '10.9.0.0/99';
    await expect(
      Test.createTestingModule({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true }), OutboundModule],
      }).compile(),
    ).rejects.toThrow(/LLMROUTER_OUTBOUND_CIDR_ALLOWLIST/);
  });
});

describe(DnsHostResolver.name, () => {
  it('returns the addresses of a name from the system resolver (/etc/hosts)', async () => {
    const addresses = await new DnsHostResolver().resolve('localhost');
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.some((address) => address === '127.0.0.1' || address === '::1')).toBe(true);
  });
});
