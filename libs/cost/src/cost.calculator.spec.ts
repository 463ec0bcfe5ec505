import { Logger } from '@nestjs/common';
import { deploymentConfig } from './__fixtures__/deployment-config';
import { CostCalculator } from './cost.calculator';

describe(CostCalculator.name, () => {
  const calculator = new CostCalculator();
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('costs usage at the deployment prices', () => {
    const o3mini = deploymentConfig('openai/o3-mini');
    const usage = { promptTokens: 1000, completionTokens: 500, cachedPromptTokens: 400 };
    // 600 × 1.10 + 400 × 0.55 + 500 × 4.40 per million tokens.
    expect(calculator.costOf(o3mini, usage).total).toBeCloseTo(0.00308, 15);
    expect(calculator.costOf(o3mini, undefined).total).toBe(0);
    expect(calculator.tableAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('warns once per deployment without a price, and never for a mock one', () => {
    const unknown = deploymentConfig('openai/house-model');
    expect(calculator.costOf(unknown, { promptTokens: 10, completionTokens: 10 }).total).toBe(0);
    calculator.costOf(unknown, { promptTokens: 10, completionTokens: 10 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('no price for model "openai/house-model"');
    calculator.costOf(deploymentConfig('mock/demo'), { promptTokens: 1, completionTokens: 1 });
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('warns about model_info prices it ignores', () => {
    calculator.pricesOf(deploymentConfig('openai/gpt-4o', { output_cost_per_token: 'lots' }));
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('output_cost_per_token ignored'));
  });
});
