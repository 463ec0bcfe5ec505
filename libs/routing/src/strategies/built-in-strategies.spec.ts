import { SUPPORTED_ROUTING_STRATEGIES } from '@routeiq/config';
import { BUILT_IN_STRATEGIES, DEFAULT_STRATEGY_NAME } from './built-in-strategies';
import { fakeDeployment as deployment, routingContext } from './__fixtures__/strategy-fixtures';

describe('BUILT_IN_STRATEGIES', () => {
  it('has one strategy per non-learned name the config accepts, the default among them', () => {
    const names = BUILT_IN_STRATEGIES.map((strategy) => strategy.name);
    const plain = SUPPORTED_ROUTING_STRATEGIES.filter((name) => !name.startsWith('llmrouter-'));
    expect([...names].sort()).toEqual([...plain].sort());
    expect(names).toContain(DEFAULT_STRATEGY_NAME);
  });

  it.each(BUILT_IN_STRATEGIES.map((strategy) => [strategy.name, strategy] as const))(
    '%s picks one of the candidates with a reason, from an empty context',
    (_name, strategy) => {
      const candidates = [deployment('a', { rpm: 10 }), deployment('b', { tpm: 1000 })];
      const pick = strategy.pick(candidates, routingContext({ random: Math.random }));
      expect(candidates).toContain(pick.deployment);
      expect(pick.reason).toMatch(/\S/);
      expect(strategy.version).toMatch(/^\d+$/);
    },
  );
});
