import { CommonException } from '@routeiq/common';
import { agentRpmLimitOf, checkAgentRpmLimits } from './agent-rpm-limit';

function rejection(value: unknown): CommonException {
  try {
    checkAgentRpmLimits({ agent_rpm_limit: value });
  } catch (error) {
    if (error instanceof CommonException) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('agentRpmLimitOf', () => {
  it('reads the key’s own rate for one agent', () => {
    const metadata = { agent_rpm_limit: { travel: 3, hr: 0 }, owner: 'ci' };
    expect(agentRpmLimitOf(metadata, 'travel')).toBe(3);
    expect(agentRpmLimitOf(metadata, 'hr')).toBe(0);
    expect(agentRpmLimitOf(metadata, 'billing')).toBeUndefined();
  });

  it('ignores what is not a usable number (rows written before the check)', () => {
    expect(agentRpmLimitOf({}, 'travel')).toBeUndefined();
    expect(agentRpmLimitOf({ agent_rpm_limit: 'travel' }, 'travel')).toBeUndefined();
    expect(agentRpmLimitOf({ agent_rpm_limit: { travel: '3' } }, 'travel')).toBeUndefined();
    expect(agentRpmLimitOf({ agent_rpm_limit: { travel: -1 } }, 'travel')).toBeUndefined();
    // Inherited properties are not limits.
    expect(agentRpmLimitOf({ agent_rpm_limit: {} }, 'constructor')).toBeUndefined();
  });
});

describe('checkAgentRpmLimits', () => {
  it('accepts agent ids to integers >= 0, or nothing', () => {
    expect(() => checkAgentRpmLimits({})).not.toThrow();
    expect(() => checkAgentRpmLimits({ agent_rpm_limit: null })).not.toThrow();
    expect(() => checkAgentRpmLimits({ agent_rpm_limit: { travel: 5, hr: 0 } })).not.toThrow();
  });

  it.each<[string, unknown, RegExp]>([
    ['a list', [5], /must be an object of agent id to requests per minute/],
    ['a number', 5, /must be an object/],
    ['a string limit', { travel: '5' }, /"metadata.agent_rpm_limit.travel" must be an integer/],
    ['a fraction', { travel: 1.5 }, /must be an integer >= 0/],
    ['a negative limit', { travel: -1 }, /must be an integer >= 0/],
    ['a bad agent id', { 'Travel Agent': 5 }, /invalid agent id "Travel Agent"/],
  ])('refuses %s with a 400 on metadata.agent_rpm_limit', (_case, value, message) => {
    const error = rejection(value);
    expect(error.status).toBe(400);
    expect(error.param).toBe('metadata.agent_rpm_limit');
    expect(error.message).toMatch(message);
  });
});
