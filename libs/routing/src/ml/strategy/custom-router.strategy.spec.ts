import type { CustomRouter } from '../artifact/custom-router.types';
import { decisionRuleFor } from '../decision/decision-rules';
import { mlDeployment, promptContext } from './__fixtures__/ml-deployments';
import { CustomRouterStrategy, type CustomRouterSource } from './custom-router.strategy';

const identity = { module: 'router.js', sha256: 'cd'.repeat(32), version: 'cdcdcdcdcdcd' };
const fast = mlDeployment('fast', { model: 'fast-model' });
const smart = mlDeployment('smart', { extra: { router_candidate: 'smart' } });

function source(router: CustomRouter | undefined): CustomRouterSource {
  return {
    customRouter: () => router,
    customUnavailableReason: () => 'LLMROUTER_CUSTOM_ROUTERS_PATH is not set',
  };
}

const argmax = () => decisionRuleFor('llmrouter-knn');

describe(CustomRouterStrategy.name, () => {
  it('lets a pick module choose among the eligible deployments by name', () => {
    const seen: string[][] = [];
    const strategy = new CustomRouterStrategy(
      source({
        ...identity,
        kind: 'pick',
        pick: (names, prompt) => {
          seen.push([...names]);
          return { index: prompt.includes('hard') ? names.indexOf('smart') : 0, reason: 'rules' };
        },
      }),
      argmax,
    );
    const pick = strategy.pick([fast, smart], promptContext('a hard question'));
    expect(pick).toEqual({ deployment: smart, reason: 'smart: rules', version: identity.version });
    expect(seen).toEqual([['fast-model', 'smart']]);
    expect(strategy.version).toBe(identity.version);
  });

  it('decides a predict module with the argmax rule', () => {
    const strategy = new CustomRouterStrategy(
      source({ ...identity, kind: 'predict', predict: () => Float64Array.from([0.2, 0.9]) }),
      argmax,
    );
    expect(strategy.pick([fast, smart], promptContext('q')).deployment).toBe(smart);
  });

  it('throws without a module, without a prompt, or when the module fails', () => {
    expect(() =>
      new CustomRouterStrategy(source(undefined), argmax).pick([fast], promptContext('q')),
    ).toThrow('LLMROUTER_CUSTOM_ROUTERS_PATH is not set');
    const failing = new CustomRouterStrategy(
      source({
        ...identity,
        kind: 'pick',
        pick: () => {
          throw new Error('custom router router.js threw: boom');
        },
      }),
      argmax,
    );
    expect(() => failing.pick([fast], promptContext(undefined))).toThrow(/no text/);
    expect(() => failing.pick([fast], promptContext('q'))).toThrow('boom');
  });
});
