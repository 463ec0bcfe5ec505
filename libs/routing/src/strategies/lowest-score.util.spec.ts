import type { ResolvedDeployment } from '@routeiq/providers';
import { pickLowestScore } from './lowest-score.util';
import type { RoutingContext } from './routing-strategy';
import { fakeDeployment, routingContext } from './__fixtures__/strategy-fixtures';

const group = (scores: number[]) => scores.map((_, i) => fakeDeployment(String(i)));

function scoring(scores: number[]): (d: ResolvedDeployment, ctx: RoutingContext) => number {
  return (deployment) => scores[Number(deployment.id)]!;
}

describe(pickLowestScore.name, () => {
  it('returns the lowest score, the best and how many were within reach', () => {
    const scores = [5, 3, 3.2, 9];
    const pick = pickLowestScore(
      group(scores),
      routingContext({ random: () => 0.99 }),
      scoring(scores),
      0.1,
    );
    expect(pick).toEqual({
      deployment: expect.objectContaining({ id: '2' }),
      score: 3.2,
      best: 3,
      tied: 2,
    });
  });

  it('scores each candidate once, even in groups larger than its scratch buffer', () => {
    const scores = Array.from({ length: 40 }, (_, i) => 100 - i);
    const score = jest.fn(scoring(scores));
    const pick = pickLowestScore(group(scores), routingContext(), score);
    expect(pick.deployment.id).toBe('39');
    expect(score).toHaveBeenCalledTimes(40);
    // A smaller group afterwards must not see the larger group's leftover scores.
    expect(pickLowestScore(group([7, 4]), routingContext(), scoring([7, 4])).deployment.id).toBe(
      '1',
    );
  });

  it('never lets a NaN score win, and picks uniformly when every score is NaN', () => {
    const scores = [Number.NaN, 8, Number.NaN];
    expect(pickLowestScore(group(scores), routingContext(), scoring(scores)).deployment.id).toBe(
      '1',
    );
    const nan = [Number.NaN, Number.NaN, Number.NaN];
    const pick = pickLowestScore(group(nan), routingContext({ random: () => 0.5 }), scoring(nan));
    expect(pick.deployment.id).toBe('1');
    expect(pick.tied).toBe(3);
  });

  it('treats every candidate as tied when all score Infinity', () => {
    const scores = [Infinity, Infinity];
    const pick = pickLowestScore(
      group(scores),
      routingContext({ random: () => 0.7 }),
      scoring(scores),
    );
    expect(pick).toEqual(expect.objectContaining({ tied: 2, best: Infinity }));
    expect(pick.deployment.id).toBe('1');
  });

  it('handles negative scores with a slack', () => {
    const scores = [-10, -9.5, -8];
    const pick = pickLowestScore(
      group(scores),
      routingContext({ random: () => 0.99 }),
      scoring(scores),
      0.1,
    );
    expect(pick.deployment.id).toBe('1');
    expect(pick.tied).toBe(2);
  });
});
