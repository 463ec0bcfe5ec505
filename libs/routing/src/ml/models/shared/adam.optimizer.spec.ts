import { AdamTable, DEFAULT_ADAM } from './adam.optimizer';

describe(AdamTable.name, () => {
  const settings = { ...DEFAULT_ADAM, learningRate: 0.1, weightDecay: 0 };

  it('minimises a quadratic and zeroes the gradient after each step', () => {
    const params = Float32Array.from([5, -3]);
    const table = new AdamTable(params, 2, false, settings);
    for (let t = 1; t <= 300; t++) {
      table.grad[0] = 2 * (params[0]! - 1);
      table.grad[1] = 2 * (params[1]! + 2);
      table.step(t, 1);
      expect(Array.from(table.grad)).toEqual([0, 0]);
    }
    expect(params[0]).toBeCloseTo(1, 1);
    expect(params[1]).toBeCloseTo(-2, 1);
  });

  it('moves only the rows a sparse batch touched', () => {
    const params = new Float32Array(3 * 2).fill(1);
    const table = new AdamTable(params, 2, true, { ...settings, weightDecay: 0.5 });
    const offset = table.touch(1);
    expect(offset).toBe(2);
    table.grad[offset] = 1;
    table.touch(1);
    table.step(1, 1);
    expect(Array.from(params.subarray(0, 2))).toEqual([1, 1]);
    expect(Array.from(params.subarray(4))).toEqual([1, 1]);
    expect(params[2]).toBeLessThan(1);
    // The untouched weight of a touched row still decays.
    expect(params[3]).toBeCloseTo(1 - 0.1 * 0.5, 6);
    table.step(2, 1);
    expect(params[2]).toBeLessThan(1);
  });
});
