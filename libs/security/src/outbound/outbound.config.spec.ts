import { ConfigValidationError } from '@routeiq/config';
import { resolveOutboundConfig } from './outbound.config';

function problemsOf(env: Record<string, string>): ReadonlyArray<{ path: string; message: string }> {
  try {
    resolveOutboundConfig(env);
  } catch (err) {
    if (err instanceof ConfigValidationError) return err.problems;
    throw err;
  }
  throw new Error('config was accepted');
}

describe('resolveOutboundConfig', () => {
  it('defaults to no allowlists and private addresses blocked', () => {
    expect(resolveOutboundConfig({})).toEqual({
      hostAllowlist: [],
      cidrAllowlist: [],
      urlAllowlist: [],
      allowPrivate: false,
    });
  });

  it('splits, trims and deduplicates the lists', () => {
    const config = resolveOutboundConfig({
      LLMROUTER_OUTBOUND_HOST_ALLOWLIST: ' api.x.com , *.x.com,.y.org,api.x.com,,',
      LLMROUTER_OUTBOUND_CIDR_ALLOWLIST: '10.0.0.0/8,fd00::/8',
      LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'http://127.0.0.1:4000/mcp',
      LLMROUTER_OUTBOUND_ALLOW_PRIVATE: 'yes',
    });
    expect(config.hostAllowlist).toEqual(['api.x.com', '*.x.com', '.y.org']);
    expect(config.cidrAllowlist).toEqual(['10.0.0.0/8', 'fd00::/8']);
    expect(config.urlAllowlist).toEqual(['http://127.0.0.1:4000/mcp']);
    expect(config.allowPrivate).toBe(true);
  });

  it('reads the legacy names, and the new names win when both are set', () => {
    const legacy = resolveOutboundConfig({
      LLMROUTER_SSRF_ALLOWLIST_HOSTS: 'mcp.internal,.trusted-corp.com',
      LLMROUTER_SSRF_ALLOWLIST_CIDRS: '10.100.0.0/16,192.168.50.0/24',
      LLMROUTER_ALLOW_PRIVATE_IPS: 'true',
    });
    expect(legacy.hostAllowlist).toEqual(['mcp.internal', '.trusted-corp.com']);
    expect(legacy.cidrAllowlist).toEqual(['10.100.0.0/16', '192.168.50.0/24']);
    expect(legacy.allowPrivate).toBe(true);

    const both = resolveOutboundConfig({
      LLMROUTER_SSRF_ALLOWLIST_HOSTS: 'old.example',
      LLMROUTER_OUTBOUND_HOST_ALLOWLIST: 'new.example',
      LLMROUTER_SSRF_ALLOWLIST_CIDRS: '10.0.0.0/8',
      LLMROUTER_OUTBOUND_CIDR_ALLOWLIST: '172.16.0.0/12',
      LLMROUTER_ALLOW_PRIVATE_IPS: 'true',
      LLMROUTER_OUTBOUND_ALLOW_PRIVATE: 'false',
    });
    expect(both.hostAllowlist).toEqual(['new.example']);
    expect(both.cidrAllowlist).toEqual(['172.16.0.0/12']);
    expect(both.allowPrivate).toBe(false);
  });

  it('names the variable of an invalid CIDR', () => {
    expect(problemsOf({ LLMROUTER_OUTBOUND_CIDR_ALLOWLIST: '10.0.0.0/8,10.0.0.0/40' })).toEqual([
      {
        path: 'LLMROUTER_OUTBOUND_CIDR_ALLOWLIST',
        message: 'must be a CIDR such as 10.0.0.0/8 or fd00::/8, got "10.0.0.0/40"',
      },
    ]);
    expect(problemsOf({ LLMROUTER_SSRF_ALLOWLIST_CIDRS: 'corp-net' })[0]?.path).toBe(
      'LLMROUTER_SSRF_ALLOWLIST_CIDRS',
    );
  });

  it('names the variable of an invalid URL prefix without echoing it', () => {
    const problems = problemsOf({
      LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'http://ok:1/,http://admin:hunter2@127.0.0.1/',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('LLMROUTER_OUTBOUND_URL_ALLOWLIST');
    expect(problems[0]?.message).not.toContain('hunter2');
    expect(problemsOf({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'file:///tmp' })[0]?.path).toBe(
      'LLMROUTER_OUTBOUND_URL_ALLOWLIST',
    );
    expect(problemsOf({ LLMROUTER_OUTBOUND_URL_ALLOWLIST: 'not a url' })).toHaveLength(1);
  });

  it('rejects host entries that are not host patterns, and bad booleans', () => {
    expect(problemsOf({ LLMROUTER_OUTBOUND_HOST_ALLOWLIST: 'http://x.com/' })[0]?.path).toBe(
      'LLMROUTER_OUTBOUND_HOST_ALLOWLIST',
    );
    expect(problemsOf({ LLMROUTER_OUTBOUND_HOST_ALLOWLIST: 'x.com:443' })).toHaveLength(1);
    expect(problemsOf({ LLMROUTER_OUTBOUND_HOST_ALLOWLIST: '*x.com' })).toHaveLength(1);
    expect(problemsOf({ LLMROUTER_OUTBOUND_ALLOW_PRIVATE: 'maybe' })).toEqual([
      { path: 'LLMROUTER_OUTBOUND_ALLOW_PRIVATE', message: 'must be true or false' },
    ]);
  });

  it('accepts IP literals in the host allowlist', () => {
    const config = resolveOutboundConfig({
      LLMROUTER_OUTBOUND_HOST_ALLOWLIST: '10.0.0.5,[fd00::1],fd00::2',
    });
    expect(config.hostAllowlist).toHaveLength(3);
  });
});
