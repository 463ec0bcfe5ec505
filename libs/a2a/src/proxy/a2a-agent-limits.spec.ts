import type { GatewayRequest } from '@routeiq/common';
import type { TeamRecord, VirtualKeyRecord } from '@routeiq/persistence';
import { attachResolvedKey } from '@routeiq/security';
import { perAgentLimits } from './a2a-agent-limits';

const TRAVEL = { agentId: 'travel', keyRpmLimit: null };

function request(keyMeta: Record<string, unknown>, teamMeta?: Record<string, unknown>) {
  const req = {} as GatewayRequest;
  attachResolvedKey(req, {
    key: { metadata: keyMeta } as unknown as VirtualKeyRecord,
    team: teamMeta ? ({ metadata: teamMeta } as unknown as TeamRecord) : null,
    keyId: 'vk',
    loadedAt: 0,
  });
  return req;
}

describe(perAgentLimits.name, () => {
  it('adds the team’s metadata.agent_rpm_limit beside the key’s rate, the lower key rate winning', () => {
    const req = request({ agent_rpm_limit: { travel: 4 } }, { agent_rpm_limit: { travel: 10 } });
    expect(perAgentLimits(req, { ...TRAVEL, keyRpmLimit: 6 })).toEqual({
      scope: 'a2a:travel',
      label: 'on agent "travel"',
      limits: { rpm: 4 },
      teamLimits: { rpm: 10 },
    });
  });

  it('limits the team alone when neither the agent nor the key sets a rate', () => {
    const req = request({}, { agent_rpm_limit: { travel: 0, hr: 3 } });
    expect(perAgentLimits(req, TRAVEL)).toMatchObject({ limits: {}, teamLimits: { rpm: 0 } });
  });

  it('is undefined without any rate, and ignores other agents’ team rates', () => {
    expect(perAgentLimits(request({}, { agent_rpm_limit: { hr: 3 } }), TRAVEL)).toBeUndefined();
    expect(perAgentLimits({} as GatewayRequest, TRAVEL)).toBeUndefined();
  });
});
