import { deploymentConfig } from '../__fixtures__/deployment-config';
import {
  deploymentPrices,
  invalidOverrides,
  priceLookupNames,
  tablePricesOf,
} from './price-lookup';

const tableModel = (model: string, info: Record<string, unknown> = {}) =>
  tablePricesOf(deploymentConfig(model, info))?.model;

describe('price lookup', () => {
  it.each([
    ['gpt-4o', 'gpt-4o'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini'],
    ['openai/gpt-4o-2024-08-06', 'gpt-4o'],
    // A snapshot priced apart is found before its family.
    ['openai/gpt-4o-2024-05-13', 'gpt-4o-2024-05-13'],
    ['openai/o3-mini-2025-01-31', 'o3-mini'],
    ['openai/gpt-4-0613', 'gpt-4'],
    ['azure/gpt-4.1-nano', 'gpt-4.1-nano'],
    ['azure/gpt-35-turbo', 'gpt-3.5-turbo'],
    ['text-embedding-3-small', 'text-embedding-3-small'],
    ['anthropic/claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['anthropic/claude-3-7-sonnet-latest', 'claude-3-7-sonnet'],
    ['anthropic/claude-sonnet-4-0', 'claude-sonnet-4'],
    ['anthropic/claude-opus-4-1-20250805', 'claude-opus-4-1'],
    ['anthropic/claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
    ['bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', 'claude-3-5-sonnet'],
    ['bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0', 'claude-3-5-sonnet'],
    ['bedrock/eu.anthropic.claude-3-haiku-20240307-v1:0', 'claude-3-haiku'],
    ['bedrock/amazon.titan-embed-text-v2:0', 'amazon.titan-embed-text-v2:0'],
    ['bedrock/amazon.titan-text-express-v1', 'amazon.titan-text-express-v1'],
    ['bedrock/us.meta.llama3-2-11b-instruct-v1:0', 'meta.llama3-2-11b-instruct-v1:0'],
    ['vertex_ai/claude-3-5-sonnet-v2@20241022', 'claude-3-5-sonnet'],
    ['gemini/gemini-2.0-flash', 'gemini-2.0-flash'],
    ['gemini/gemini-1.5-pro-002', 'gemini-1.5-pro'],
    ['gemini/models/gemini-2.5-flash', 'gemini-2.5-flash'],
    ['gemini/gemini-1.5-flash-latest', 'gemini-1.5-flash'],
    ['gemini/Gemini-2.5-Pro', 'gemini-2.5-pro'],
  ])('prices %s as %s', (model, expected) => {
    expect(tableModel(model)).toBe(expected);
  });

  it('finds nothing for unknown, fine-tuned and mock models', () => {
    expect(tableModel('openai/my-local-llm')).toBeUndefined();
    expect(tableModel('openai/ft:gpt-4o-mini-2024-07-18:org::abc')).toBeUndefined();
    // A mock deployment answers offline, whatever model it names.
    expect(tableModel('mock/gpt-4o')).toBeUndefined();
  });

  it('tries model_info.base_model first (Azure deployment names)', () => {
    expect(tableModel('azure/prod-east', { base_model: 'azure/gpt-4o-mini' })).toBe('gpt-4o-mini');
    expect(tableModel('azure/gpt-4o', { base_model: 'o1' })).toBe('o1');
  });

  it('looks up the most specific names first', () => {
    expect(
      priceLookupNames(deploymentConfig('bedrock/us.anthropic.claude-3-haiku-20240307-v1:0')),
    ).toEqual([
      'bedrock/us.anthropic.claude-3-haiku-20240307-v1:0',
      'us.anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-haiku-20240307-v1:0',
      'anthropic.claude-3-haiku-20240307',
      'claude-3-haiku-20240307',
      'claude-3-haiku',
    ]);
  });

  it('fills cache and reasoning prices from the input and output prices', () => {
    expect(deploymentPrices(deploymentConfig('anthropic/claude-3-5-haiku-20241022'))).toEqual({
      input: 8e-7,
      output: 4e-6,
      cacheRead: 8e-8,
      cacheCreation: 1e-6,
      reasoning: undefined,
      source: 'table',
      tableModel: 'claude-3-5-haiku',
    });
    expect(deploymentPrices(deploymentConfig('openai/gpt-3.5-turbo'))).toMatchObject({
      input: 5e-7,
      cacheRead: 5e-7,
      cacheCreation: 5e-7,
      reasoning: undefined,
    });
    expect(
      deploymentPrices(deploymentConfig('gemini/gemini-2.5-flash-preview-04-17')),
    ).toMatchObject({ output: 6e-7, reasoning: 3.5e-6 });
  });

  it('overrides the table field by field with model_info (LiteLLM names, numeric strings)', () => {
    const config = deploymentConfig('openai/gpt-4o', {
      input_cost_per_token: 2e-6,
      cache_read_input_token_cost: '5e-7',
      output_cost_per_reasoning_token: 0.00002,
    });
    expect(deploymentPrices(config)).toEqual({
      input: 2e-6,
      output: 1e-5,
      cacheRead: 5e-7,
      cacheCreation: 2e-6,
      reasoning: 2e-5,
      source: 'table+model_info',
      tableModel: 'gpt-4o',
    });
    expect(invalidOverrides(config)).toEqual([]);
  });

  it('prices unknown and mock models from model_info alone, else at zero', () => {
    expect(deploymentPrices(deploymentConfig('mock/demo'))).toMatchObject({
      input: 0,
      output: 0,
      source: 'none',
    });
    expect(
      deploymentPrices(deploymentConfig('mock/demo', { output_cost_per_token: 3e-6 })),
    ).toMatchObject({ input: 0, output: 3e-6, source: 'model_info' });
    expect(deploymentPrices(deploymentConfig('openai/local'))).toMatchObject({ source: 'none' });
  });

  it('ignores, and reports, model_info prices that are not numbers >= 0', () => {
    const config = deploymentConfig('openai/gpt-4o', {
      cache_read_input_token_cost: 'cheap',
      cache_creation_input_token_cost: -1,
    });
    expect(deploymentPrices(config)).toMatchObject({ cacheRead: 1.25e-6, cacheCreation: 2.5e-6 });
    expect(invalidOverrides(config)).toEqual([
      'cache_read_input_token_cost',
      'cache_creation_input_token_cost',
    ]);
  });

  it('memoises per deployment config object', () => {
    const config = deploymentConfig('openai/gpt-4o');
    expect(deploymentPrices(config)).toBe(deploymentPrices(config));
    expect(deploymentPrices(deploymentConfig('openai/gpt-4o'))).not.toBe(deploymentPrices(config));
  });
});
