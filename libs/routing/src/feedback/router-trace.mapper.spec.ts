import type { ResolvedDeployment } from '@routeiq/providers';
import { candidateIndexOf } from '../ml/strategy/candidate-binding';
import { mlDeployment } from '../ml/strategy/__fixtures__/ml-deployments';
import { routerCandidateNameOf } from './router-trace.mapper';

describe(routerCandidateNameOf.name, () => {
  it('prefers model_info.router_candidate, then the model id, then the group', () => {
    const named = mlDeployment('d1', {
      model: 'mixtral-8x7b',
      extra: { router_candidate: 'weak' },
    });
    expect(routerCandidateNameOf(named)).toBe('weak');
    expect(routerCandidateNameOf(mlDeployment('d2', { model: 'gpt-4o' }))).toBe('gpt-4o');
    const bare = { ...mlDeployment('d3', { group: 'g' }), upstreamModel: '' } as ResolvedDeployment;
    expect(routerCandidateNameOf(bare)).toBe('g');
  });

  it('gives a name the learned strategies bind back to the same deployment', () => {
    const deployments = [
      mlDeployment('d1', { model: 'mixtral-8x7b', extra: { router_candidate: 'weak' } }),
      mlDeployment('d2', { model: 'gpt-4o' }),
    ];
    const names = deployments.map(routerCandidateNameOf);
    const index = new Map(names.map((name, i) => [name, i]));
    expect(deployments.map((d) => candidateIndexOf(d, index))).toEqual([0, 1]);
  });
});
