import { PriceTable, SHIPPED_PRICES } from './price-table';

const valid = {
  as_of: '2025-11-28',
  source: 'test',
  aliases: { 'My-Alias': 'model-a' },
  models: { 'Model-A': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } },
};

describe(PriceTable.name, () => {
  it('ships prices for the well-known models, every one with input and output prices', () => {
    const expected = [
      'gpt-4o',
      'gpt-4o-mini',
      'gpt-4.1',
      'gpt-4.1-mini',
      'gpt-4.1-nano',
      'o1',
      'o1-mini',
      'o3',
      'o3-mini',
      'o4-mini',
      'gpt-3.5-turbo',
      'text-embedding-3-small',
      'text-embedding-3-large',
      'text-embedding-ada-002',
      'claude-3-5-sonnet',
      'claude-3-5-haiku',
      'claude-3-7-sonnet',
      'claude-3-opus',
      'claude-3-haiku',
      'claude-sonnet-4',
      'claude-opus-4',
      'claude-haiku-4-5',
      'gemini-1.5-pro',
      'gemini-1.5-flash',
      'gemini-2.0-flash',
      'gemini-2.5-pro',
      'gemini-2.5-flash',
      'amazon.titan-text-express-v1',
      'amazon.titan-embed-text-v2:0',
      'meta.llama3-1-70b-instruct-v1:0',
    ];
    for (const model of expected) {
      expect({ model, found: SHIPPED_PRICES.find(model)?.model }).toEqual({ model, found: model });
    }
    expect(SHIPPED_PRICES.size).toBeGreaterThan(60);
    expect(SHIPPED_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(SHIPPED_PRICES.source).toContain('override');
  });

  it('keeps the published relations: cache reads cost less than input, Claude writes 1.25x', () => {
    const claude = SHIPPED_PRICES.find('claude-3-5-sonnet')!.prices;
    expect(claude.cache_creation_input_token_cost).toBeCloseTo(
      claude.input_cost_per_token * 1.25,
      15,
    );
    expect(claude.cache_read_input_token_cost).toBeCloseTo(claude.input_cost_per_token * 0.1, 15);
    expect(SHIPPED_PRICES.find('gpt-4o')!.prices).toEqual({
      input_cost_per_token: 2.5e-6,
      output_cost_per_token: 1e-5,
      cache_read_input_token_cost: 1.25e-6,
    });
  });

  it('matches ids and aliases in lower case', () => {
    const table = PriceTable.parse(valid);
    expect(table.find('model-a')?.model).toBe('model-a');
    expect(table.find('my-alias')).toEqual({ model: 'model-a', prices: valid.models['Model-A'] });
    expect(table.find('Model-A')).toBeUndefined();
    expect(table.find('model-b')).toBeUndefined();
  });

  it.each([
    [{ ...valid, as_of: 'yesterday' }, 'as_of must be YYYY-MM-DD'],
    [{ ...valid, source: '' }, 'source must be a non-empty string'],
    [{ ...valid, models: [] }, 'models must be a mapping'],
    [{ ...valid, aliases: { x: 'nope' } }, 'alias x names no model'],
    [
      { ...valid, models: { m: { input_cost_per_token: -1, output_cost_per_token: 0 } } },
      'models.m.input_cost_per_token must be a number >= 0',
    ],
    [
      { ...valid, models: { m: { input_cost_per_token: 1, output_cost_per_token: 0, x: 1 } } },
      'models.m.x is not a price field',
    ],
    [
      { ...valid, models: { m: { input_cost_per_token: 1 } } },
      'models.m needs input_cost_per_token',
    ],
  ])('refuses a bad table (%#)', (raw, message) => {
    expect(() => PriceTable.parse(raw)).toThrow(message);
  });
});
