import { ConfigValidationError } from '@routeiq/config';
import { leaderElectionConfigFromEnv } from './leader-election.config';

function problemsOf(env: Record<string, string>): Array<{ path: string; message: string }> {
  try {
    leaderElectionConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems.map((p) => ({ ...p }));
  }
  throw new Error('expected a ConfigValidationError');
}

describe(leaderElectionConfigFromEnv.name, () => {
  it('defaults to single mode with a 10 s lease', () => {
    expect(leaderElectionConfigFromEnv({})).toEqual({ haMode: 'single', leaseSeconds: 10 });
  });

  it('reads leader_election (any case) and the lease with Redis configured', () => {
    const config = leaderElectionConfigFromEnv({
      LLMROUTER_HA_MODE: ' Leader_Election ',
      LLMROUTER_CONFIG_SYNC_LEASE_SECONDS: '4',
      REDIS_HOST: 'cache',
    });
    expect(config).toEqual({ haMode: 'leader_election', leaseSeconds: 4 });
  });

  it('refuses leader_election without Redis, naming LLMROUTER_HA_MODE and REDIS_*', () => {
    const problems = problemsOf({ LLMROUTER_HA_MODE: 'leader_election' });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('LLMROUTER_HA_MODE');
    expect(problems[0]!.message).toMatch(/REDIS_URL/);
    expect(problems[0]!.message).toMatch(/REDIS_HOST/);
  });

  it('names every bad variable', () => {
    const problems = problemsOf({
      LLMROUTER_HA_MODE: 'active_active',
      LLMROUTER_CONFIG_SYNC_LEASE_SECONDS: '2.5',
    });
    expect(problems.map((p) => p.path).sort()).toEqual([
      'LLMROUTER_CONFIG_SYNC_LEASE_SECONDS',
      'LLMROUTER_HA_MODE',
    ]);
    expect(problemsOf({ LLMROUTER_CONFIG_SYNC_LEASE_SECONDS: '0' })[0]!.path).toBe(
      'LLMROUTER_CONFIG_SYNC_LEASE_SECONDS',
    );
  });

  it('allows single mode with Redis (every replica runs its own jobs)', () => {
    expect(leaderElectionConfigFromEnv({ REDIS_URL: 'redis://cache:6379' }).haMode).toBe('single');
  });
});
