import { ScoreMatrixBuilder } from './score-matrix.builder';

describe(ScoreMatrixBuilder.name, () => {
  it('pivots observations into a matrix with sorted candidates, NaN for unknown scores', () => {
    const builder = new ScoreMatrixBuilder();
    builder.addRow('q1', 'math');
    builder.observe('q1', 'b', 1);
    builder.observe('q1', 'a', 0.25, 0.002);
    builder.addRow('q2', 'code');
    builder.observe('q2', 'b', 0);
    const { matrix, stats } = builder.build();
    expect(matrix.queries).toEqual(['q1', 'q2']);
    expect(matrix.candidates).toEqual(['a', 'b']);
    expect([...matrix.scores]).toEqual([0.25, 1, NaN, 0]);
    expect([...matrix.costs!]).toEqual([0.002, NaN, NaN, NaN]);
    expect(matrix.groups).toEqual(['math', 'code']);
    expect(stats).toEqual({ rows: 2, dropped: 0, duplicateQueries: 0 });
  });

  it('merges an exact duplicate query by averaging its scores and costs', () => {
    const builder = new ScoreMatrixBuilder();
    for (const [score, cost] of [
      [1, 0.01],
      [0, 0.03],
    ] as const) {
      builder.addRow('same text', 'train');
      builder.observe('same text', 'a', score, cost);
    }
    builder.addRow('same text ', 'test');
    builder.observe('same text ', 'a', 1);
    const { matrix, stats } = builder.build();
    expect(matrix.queries).toEqual(['same text', 'same text ']);
    expect(matrix.scores[0]).toBe(0.5);
    expect(matrix.costs![0]).toBeCloseTo(0.02, 12);
    expect(matrix.groups).toEqual(['train', 'test']);
    expect(stats).toEqual({ rows: 3, dropped: 0, duplicateQueries: 1 });
  });

  it('leaves out costs and groups nobody gave, and queries without any score', () => {
    const builder = new ScoreMatrixBuilder();
    builder.addRow('scored');
    builder.observe('scored', 'a', 1);
    builder.addRow('never scored');
    builder.declareCandidate('z');
    builder.drop();
    const { matrix, stats } = builder.build();
    expect(matrix.queries).toEqual(['scored']);
    expect(matrix.candidates).toEqual(['a', 'z']);
    expect(matrix.costs).toBeUndefined();
    expect(matrix.groups).toBeUndefined();
    expect(stats).toEqual({ rows: 3, dropped: 2, duplicateQueries: 0 });
  });

  it('refuses out-of-range scores, negative costs, empty names and empty data', () => {
    const builder = new ScoreMatrixBuilder();
    expect(() => builder.observe('q', 'a', 1.5)).toThrow(RangeError);
    expect(() => builder.observe('q', 'a', NaN)).toThrow(RangeError);
    expect(() => builder.observe('q', 'a', 1, -1)).toThrow(RangeError);
    expect(() => builder.observe('q', '', 1)).toThrow('candidate name is empty');
    expect(() => builder.addRow('')).toThrow('query is empty');
    expect(() => new ScoreMatrixBuilder().build()).toThrow('the data has no queries');
    const unscored = new ScoreMatrixBuilder();
    unscored.addRow('q');
    unscored.declareCandidate('a');
    expect(() => unscored.build()).toThrow('the data has no scored queries');
  });
});
