import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import {
  clientFor,
  expectDenied,
  MOCK_MODELS_YAML,
  policyEnv,
  writePolicyFile,
} from './fixtures/policy-audit.fixtures';

// The client address behind a proxy (ROUTEIQ_TRUSTED_PROXIES): policy source_ips rules see the
// address the trusted proxy reports, and nobody else's X-Forwarded-For is believed.
const POLICY = `
default_action: allow
rules:
  - name: documentation-range-no-router-info
    action: deny
    match:
      source_ips: ['198.51.100.0/24']
      routes: ['/router/info']
`;

const routerInfo = (gw: TestGateway, forwardedFor?: string) =>
  clientFor(gw).user(
    TEST_MASTER_KEY,
    '/router/info',
    undefined,
    forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  );

describe('Client addresses behind a trusted proxy', () => {
  let behindProxy: TestGateway;
  let direct: TestGateway;

  beforeAll(async () => {
    const env = policyEnv(writePolicyFile(POLICY));
    // An in-process gateway keeps the environment it started with until it closes: the second
    // one unsets what the first set.
    behindProxy = await startTestGateway({
      yaml: MOCK_MODELS_YAML,
      env: { ...env, ROUTEIQ_TRUSTED_PROXIES: '127.0.0.1, ::1' },
    });
    direct = await startTestGateway({
      yaml: MOCK_MODELS_YAML,
      env: { ...env, ROUTEIQ_TRUSTED_PROXIES: undefined },
    });
  });
  afterAll(async () => {
    await Promise.all([behindProxy?.close(), direct?.close()]);
  });

  it('applies source_ips to the address the trusted proxy received the request from', async () => {
    expectDenied(
      await routerInfo(behindProxy, '198.51.100.7'),
      'documentation-range-no-router-info',
    );
    expect((await routerInfo(behindProxy, '203.0.113.5')).status).toBe(200);
    // No header: the proxy itself is the client.
    expect((await routerInfo(behindProxy)).status).toBe(200);
  });

  it('believes only the hop the trusted proxy added, not what the client wrote before it', async () => {
    // The client sent "198.51.100.7"; the proxy appended the address it saw, 203.0.113.5.
    expect((await routerInfo(behindProxy, '198.51.100.7, 203.0.113.5')).status).toBe(200);
    // The client claims to be a trusted proxy itself: still only the proxy's hop counts.
    expectDenied(
      await routerInfo(behindProxy, '203.0.113.5, 127.0.0.1, 198.51.100.7'),
      'documentation-range-no-router-info',
    );
    // A malformed hop stops the walk at the trusted proxy.
    expect((await routerInfo(behindProxy, '198.51.100.7, not-an-address')).status).toBe(200);
  });

  it('ignores X-Forwarded-For without trusted proxies: the TCP peer is the client', async () => {
    expect((await routerInfo(direct, '198.51.100.7')).status).toBe(200);
  });
});
