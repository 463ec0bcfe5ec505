import { DEFAULT_CIRCUIT_BREAKER, type RouterSettings } from '@routeiq/config';
import { type DeploymentHealthState, HEALTHY } from '@routeiq/coordination';
import { ProviderException, type ResolvedDeployment } from '@routeiq/providers';
import {
  eligibleAt,
  failureEvent,
  healthPolicy,
  healthStateFrom,
  newerState,
} from './deployment-health.policy';

const open: DeploymentHealthState = {
  circuit: 'open',
  circuitSince: 1000,
  probeSuccesses: 0,
  cooldownUntil: 6000,
};

describe('deployment health policy', () => {
  it('builds the policy from the deployment first, then router_settings', () => {
    const settings = {
      allowed_fails: 3,
      cooldown_time: 5,
      disable_cooldowns: false,
      circuit_breaker: DEFAULT_CIRCUIT_BREAKER,
    } as RouterSettings;
    const plain = { config: { litellmParams: {} } } as unknown as ResolvedDeployment;
    const own = {
      config: { litellmParams: { allowed_fails: 0, cooldown_time: 0.5 } },
    } as unknown as ResolvedDeployment;
    expect(healthPolicy(plain, settings)).toEqual({
      allowedFails: 3,
      cooldownMs: 5000,
      breakerFailures: 5,
      breakerWindowMs: 60_000,
      halfOpenAfterMs: 30_000,
      closeAfterSuccesses: 2,
    });
    expect(healthPolicy(own, settings)).toMatchObject({ allowedFails: 0, cooldownMs: 500 });
    expect(healthPolicy(own, { ...settings, disable_cooldowns: true }).cooldownMs).toBe(0);
    // The only deployment of its group has nowhere to send traffic instead: no cooldown.
    expect(healthPolicy(own, settings, 1)).toMatchObject({ cooldownMs: 0, breakerFailures: 5 });
  });

  it('reads retry-after only when it is a positive number of seconds', () => {
    const limited = (value?: string) =>
      failureEvent(
        new ProviderException({
          status: 429,
          code: 'rate_limit_exceeded',
          message: 'slow down',
          headers: value === undefined ? undefined : { 'retry-after': value },
        }),
      );
    expect(limited('1.5')).toEqual({ type: 'failure', coolImmediately: true, coolForMs: 1500 });
    for (const junk of [undefined, '', '0', '-3', 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      expect(limited(junk)).toEqual({ type: 'failure', coolImmediately: true });
    }
    expect(failureEvent(ProviderException.timeout('d', 10))).toEqual({
      type: 'failure',
      coolImmediately: false,
    });
  });

  it('keeps the newer of two views: later circuit change, else longer cooldown and more probes', () => {
    expect(newerState(undefined, open)).toBe(open);
    expect(newerState(open, { ...HEALTHY, circuitSince: 999 })).toBeUndefined();
    const closed = { ...HEALTHY, circuitSince: 2000 };
    expect(newerState(open, closed)).toBe(closed);
    expect(newerState(open, { ...open, cooldownUntil: 0 })).toBeUndefined();
    expect(newerState(open, { ...open, cooldownUntil: 9000 })).toEqual({
      ...open,
      cooldownUntil: 9000,
    });
    const probing = { ...open, circuit: 'half_open' as const, probeSuccesses: 1 };
    expect(newerState(probing, { ...probing, probeSuccesses: 0, cooldownUntil: 7000 })).toEqual({
      ...probing,
      cooldownUntil: 7000,
    });
  });

  it('computes when a deployment may serve again', () => {
    expect(eligibleAt(open, 30_000)).toBe(31_000);
    expect(eligibleAt({ ...open, cooldownUntil: 40_000 }, 30_000)).toBe(40_000);
    expect(eligibleAt({ ...HEALTHY, cooldownUntil: 6000 }, 30_000)).toBe(6000);
    expect(eligibleAt(HEALTHY, 30_000)).toBe(0);
  });

  it('accepts only well-formed states from the bus', () => {
    expect(healthStateFrom({ ...open })).toEqual(open);
    expect(healthStateFrom({ ...open, circuit: 'ajar' })).toBeUndefined();
    expect(healthStateFrom({ ...open, cooldownUntil: '6000' })).toBeUndefined();
    expect(healthStateFrom({ ...open, circuitSince: -1 })).toBeUndefined();
    expect(healthStateFrom(null)).toBeUndefined();
  });
});
