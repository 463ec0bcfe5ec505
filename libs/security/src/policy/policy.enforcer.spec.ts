import { Logger } from '@nestjs/common';
import type { GatewayRequest, Principal } from '@routeiq/common';
import type { ConfigStore } from '@routeiq/config';
import type { Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PolicyDenyListener, type PolicyDenyEvent } from './policy-deny.listener';
import { resolvePolicyConfig, type PolicyFailMode } from './policy.config';
import { PolicyEnforcer, policyInputFor } from './policy.enforcer';
import { PolicyEngine } from './policy.engine';
import { PolicyErrorCode, PolicyException } from './policy.exception';

const POLICY = `
default_action: allow
rules:
  - { name: block-gpt4-for-interns, action: deny, match: { teams: [interns], models: ["gpt-4*"] } }
  - { name: lan-only-keys, action: deny, match: { routes: ["/key/**"], source_ips: ["0.0.0.0/0"] } }
`;
const intern: Principal = { kind: 'virtual', keyId: 'vk-1', teamId: 'interns' };

class RecordingListener extends PolicyDenyListener {
  readonly events: PolicyDenyEvent[] = [];
  onDeny(event: PolicyDenyEvent): void {
    this.events.push(event);
  }
}

/** ConfigStore stand-in: the engine only registers with it, which these tests do not exercise. */
const store = { register: () => undefined } as unknown as ConfigStore;

function request(init: {
  url: string;
  method?: string;
  principal?: Principal;
  remoteAddress?: string;
}): GatewayRequest {
  return {
    id: 'req-1',
    url: init.url,
    method: init.method ?? 'POST',
    principal: init.principal,
    headers: { 'x-team-id': 'admins' },
    socket: { remoteAddress: init.remoteAddress ?? '::ffff:10.0.0.9' } as Socket,
  } as unknown as GatewayRequest;
}

describe(PolicyEnforcer.name, () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-enforcer-'));
    file = join(dir, 'policy.yaml');
    writeFileSync(file, POLICY);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  function engineFor(failMode: PolicyFailMode = 'closed', boot = true): PolicyEngine {
    const config = resolvePolicyConfig({
      POLICY_ENGINE_ENABLED: 'true',
      POLICY_CONFIG_PATH: file,
      POLICY_ENGINE_FAIL_MODE: failMode,
    });
    const engine = new PolicyEngine(config, store);
    if (boot) engine.onModuleInit();
    return engine;
  }

  it('builds the input from the principal, the path and the socket, never from headers', () => {
    const req = request({ url: '/v1/chat/completions?x=1', principal: intern });
    expect(policyInputFor(req, 'gpt-4o')).toEqual({
      principal: intern,
      route: '/v1/chat/completions',
      method: 'POST',
      model: 'gpt-4o',
      modelPending: false,
      sourceIp: '10.0.0.9',
    });
    expect(policyInputFor({ ...req, path: '/express/path' } as GatewayRequest).route).toBe(
      '/express/path',
    );
  });

  it.each([
    ['/V1/Chat/Completions', '/v1/chat/completions'],
    ['/v1/chat/completions/', '/v1/chat/completions'],
    ['/KEY/generate//?x=1', '/key/generate'],
    ['/', '/'],
  ])('matches %s as the router does: %s', (url, route) => {
    expect(policyInputFor(request({ url, principal: intern })).route).toBe(route);
  });

  it('throws 403 policy_denied naming the rule and tells the listener', () => {
    const listener = new RecordingListener();
    const enforcer = new PolicyEnforcer(engineFor(), listener);
    const req = request({ url: '/v1/chat/completions', principal: intern });

    expect(() => enforcer.enforce(req, 'gpt-3.5-turbo')).not.toThrow();
    const error = captureError(() => enforcer.enforce(req, 'gpt-4o'));
    expect(error).toBeInstanceOf(PolicyException);
    expect(error).toMatchObject({
      status: 403,
      code: PolicyErrorCode.PolicyDenied,
      type: 'permission_error',
      param: null,
      message: 'Denied by policy rule "block-gpt4-for-interns"',
    });
    expect(listener.events).toEqual([
      {
        requestId: 'req-1',
        principal: intern,
        route: '/v1/chat/completions',
        method: 'POST',
        model: 'gpt-4o',
        sourceIp: '10.0.0.9',
        rule: 'block-gpt4-for-interns',
        reason: 'matched policy rule "block-gpt4-for-interns" (deny)',
      },
    ]);
  });

  it('prechecks without a model: defers model rules, still denies the rest', () => {
    const enforcer = new PolicyEnforcer(engineFor());
    expect(() =>
      enforcer.precheck(request({ url: '/v1/chat/completions', principal: intern })),
    ).not.toThrow();
    expect(() => enforcer.precheck(request({ url: '/key/generate', principal: intern }))).toThrow(
      'Denied by policy rule "lan-only-keys"',
    );
  });

  it('names default_action when no rule matched', () => {
    writeFileSync(file, 'default_action: deny\n');
    const enforcer = new PolicyEnforcer(engineFor());
    expect(() => enforcer.enforce(request({ url: '/v1/models', method: 'GET' }))).toThrow(
      'Denied by policy: no rule allows this request (default_action is deny)',
    );
  });

  it('does nothing when the engine is disabled', () => {
    const disabled = new PolicyEngine(resolvePolicyConfig({}), store);
    const evaluate = jest.spyOn(disabled, 'evaluate');
    new PolicyEnforcer(disabled).enforce(request({ url: '/key/generate' }), 'gpt-4o');
    expect(evaluate).not.toHaveBeenCalled();
  });

  it('answers 503 policy_engine_unavailable when closed and evaluation fails', () => {
    const listener = new RecordingListener();
    const engine = engineFor('closed');
    jest.spyOn(engine, 'evaluate').mockImplementation(() => {
      throw new Error('boom');
    });
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const enforcer = new PolicyEnforcer(engine, listener);

    expect(() => enforcer.enforce(request({ url: '/v1/models' }))).toThrow(
      expect.objectContaining({ status: 503, code: PolicyErrorCode.PolicyEngineUnavailable }),
    );
    expect(error).toHaveBeenCalledWith('policy evaluation failed: Error: boom');
    expect(listener.events).toEqual([
      expect.objectContaining({ rule: undefined, reason: expect.stringContaining('closed') }),
    ]);
  });

  it('allows with one rate-limited warning when open and the policy is unavailable', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const enforcer = new PolicyEnforcer(engineFor('open', false));
    const req = request({ url: '/key/generate', principal: intern });
    expect(() => enforcer.enforce(req, 'gpt-4o')).not.toThrow();
    expect(() => enforcer.enforce(req, 'gpt-4o')).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('POLICY_ENGINE_FAIL_MODE=open'));
  });

  it('still denies when the listener throws or rejects', async () => {
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const req = request({ url: '/key/generate', principal: intern });
    const throwing = new PolicyEnforcer(engineFor(), {
      onDeny: () => {
        throw new Error('audit down');
      },
    });
    expect(() => throwing.enforce(req)).toThrow(PolicyException);

    const rejecting = new PolicyEnforcer(engineFor(), {
      onDeny: () => Promise.reject(new Error('audit slow')),
    });
    expect(() => rejecting.enforce(req)).toThrow(PolicyException);
    await new Promise((resolve) => setImmediate(resolve));
    expect(error.mock.calls.map(([message]) => message as string)).toEqual([
      'policy deny listener failed: Error: audit down',
      'policy deny listener failed: Error: audit slow',
    ]);
  });
});

function captureError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
