import type { DeploymentConfig } from '@routeiq/config';
import { CostCalculator } from '@routeiq/cost';
import { RequestLogWriter, type RequestLogRecord } from '@routeiq/persistence';
import { fromAnthropicUsage, type ResolvedDeployment } from '@routeiq/providers';
import type { ActualUsage, Admission } from '@routeiq/security';
import { CHAT_OPERATION, EMBEDDING_OPERATION, readUsage } from './inference-operation';
import { spendOf, UsageRecorder, type CallOutcome } from './usage-recorder.service';

/** Keeps the rows it is handed instead of writing them. */
class KeptRows extends RequestLogWriter {
  readonly rows: RequestLogRecord[] = [];

  constructor() {
    super(undefined as unknown as ConstructorParameters<typeof RequestLogWriter>[0]);
  }

  override record(row: RequestLogRecord): void {
    this.rows.push(row);
  }
}

function deployment(model: string, info: Record<string, unknown> = {}): ResolvedDeployment {
  const slash = model.indexOf('/');
  const config: DeploymentConfig = {
    modelName: 'group',
    provider: model.slice(0, slash),
    upstreamModel: model.slice(slash + 1),
    litellmParams: { model, extra: {} },
    modelInfo: { id: `dep-${model}`, extra: info },
  };
  return { id: config.modelInfo.id, provider: config.provider, config } as ResolvedDeployment;
}

/** The answer's usage as the gateway reads it, priced on `model`. */
function costOf(model: string, usage: unknown, info: Record<string, unknown> = {}): number {
  const read = readUsage({ usage });
  return new UsageRecorder(new KeptRows(), new CostCalculator()).costOf(
    deployment(model, info),
    read,
  );
}

describe(UsageRecorder.name, () => {
  describe('cost of each provider usage shape (hand-computed, USD per million tokens)', () => {
    it('OpenAI: cached prompt tokens at the cache price, reasoning inside the completion', () => {
      const usage = {
        prompt_tokens: 1000,
        completion_tokens: 500,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 400, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 0 },
      };
      expect(readUsage({ usage })).toEqual({
        promptTokens: 1000,
        completionTokens: 500,
        cachedPromptTokens: 400,
        reasoningTokens: 200,
      });
      // o3-mini: 600 × 1.10 + 400 × 0.55 + 500 × 4.40 (reasoning is output, charged once).
      expect(costOf('openai/o3-mini', usage)).toBeCloseTo(0.00308, 12);
      // A reasoning price of 8.80 set in model_info: 300 × 4.40 + 200 × 8.80 for the output.
      expect(
        costOf('openai/o3-mini', usage, { output_cost_per_reasoning_token: 8.8e-6 }),
      ).toBeCloseTo(0.00066 + 0.00022 + 0.00132 + 0.00176, 12);
    });

    it('Azure OpenAI: the same shape on a gpt-4o deployment', () => {
      const usage = {
        prompt_tokens: 2000,
        completion_tokens: 100,
        total_tokens: 2100,
        prompt_tokens_details: { cached_tokens: 1024 },
      };
      // 976 × 2.50 + 1024 × 1.25 + 100 × 10.00
      expect(costOf('azure/gpt-4o', usage)).toBeCloseTo(0.00472, 12);
    });

    it('Anthropic: cache reads and writes, which the adapter adds into prompt_tokens', () => {
      const usage = fromAnthropicUsage({
        input_tokens: 100,
        cache_read_input_tokens: 2000,
        cache_creation_input_tokens: 500,
        output_tokens: 50,
      });
      expect(usage.prompt_tokens).toBe(2600);
      expect(readUsage({ usage })).toEqual({
        promptTokens: 2600,
        completionTokens: 50,
        cachedPromptTokens: 2000,
        cacheCreationTokens: 500,
      });
      // claude-3-5-sonnet: 100 × 3.00 + 2000 × 0.30 + 500 × 3.75 + 50 × 15.00
      expect(costOf('anthropic/claude-3-5-sonnet-20241022', usage)).toBeCloseTo(0.003525, 12);
    });

    it('Bedrock Converse: cacheRead/WriteInputTokens mapped as Anthropic counters', () => {
      // bedrock-response.mapper's toUsage of { inputTokens: 100, cacheReadInputTokens: 2000,
      // cacheWriteInputTokens: 500, outputTokens: 50 }.
      const usage = {
        prompt_tokens: 2600,
        completion_tokens: 50,
        total_tokens: 2650,
        prompt_tokens_details: { cached_tokens: 2000 },
        cache_read_input_tokens: 2000,
        cache_creation_input_tokens: 500,
      };
      const model = 'bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0';
      expect(costOf(model, usage)).toBeCloseTo(0.003525, 12);
      // Titan: no cache, 1000 × 0.20 + 200 × 0.60
      const titan = { prompt_tokens: 1000, completion_tokens: 200, total_tokens: 1200 };
      expect(costOf('bedrock/amazon.titan-text-express-v1', titan)).toBeCloseTo(0.00032, 12);
    });

    it('Gemini: cached content inside the prompt, thoughts inside the completion', () => {
      // gemini-response.mapper's toUsage of { promptTokenCount: 10000,
      // cachedContentTokenCount: 8000, candidatesTokenCount: 300, thoughtsTokenCount: 700 }.
      const usage = {
        prompt_tokens: 10000,
        completion_tokens: 1000,
        total_tokens: 11000,
        prompt_tokens_details: { cached_tokens: 8000 },
        completion_tokens_details: { reasoning_tokens: 700 },
      };
      // gemini-2.5-flash: 2000 × 0.30 + 8000 × 0.03 + 1000 × 2.50
      expect(costOf('gemini/gemini-2.5-flash', usage)).toBeCloseTo(0.00334, 12);
      // The 04-17 preview priced thinking apart: 10000 × 0.15 + 300 × 0.60 + 700 × 3.50.
      expect(costOf('gemini/gemini-2.5-flash-preview-04-17', usage)).toBeCloseTo(0.00413, 12);
    });

    it('OpenAI-compatible upstreams reporting prompt_cache_hit_tokens (DeepSeek)', () => {
      const usage = { prompt_tokens: 1000, completion_tokens: 10, prompt_cache_hit_tokens: 900 };
      const prices = {
        input_cost_per_token: 2.7e-7,
        output_cost_per_token: 1.1e-6,
        cache_read_input_token_cost: 7e-8,
      };
      // 100 × 0.27 + 900 × 0.07 + 10 × 1.10
      expect(costOf('openai/deepseek-chat', usage, prices)).toBeCloseTo(0.000101, 12);
    });

    it('embeddings, streamed usage chunks, mock deployments and missing usage', () => {
      const embedding = EMBEDDING_OPERATION.usage({
        object: 'list',
        data: [],
        model: 'text-embedding-3-small',
        usage: { prompt_tokens: 5000, total_tokens: 5000 },
      });
      expect(embedding).toEqual({ promptTokens: 5000, completionTokens: 0 });
      const recorder = new UsageRecorder(new KeptRows(), new CostCalculator());
      const small = deployment('openai/text-embedding-3-small');
      expect(recorder.costOf(small, embedding)).toBeCloseTo(0.0001, 12);

      const chunk = CHAT_OPERATION.usage({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'gpt-4o-mini',
        choices: [],
        usage: {
          prompt_tokens: 2000,
          completion_tokens: 100,
          total_tokens: 2100,
          prompt_tokens_details: { cached_tokens: 1000 },
        },
      });
      // gpt-4o-mini: 1000 × 0.15 + 1000 × 0.075 + 100 × 0.60
      expect(recorder.costOf(deployment('openai/gpt-4o-mini'), chunk)).toBeCloseTo(0.000285, 12);
      expect(
        CHAT_OPERATION.usage({
          id: 'c',
          object: 'chat.completion.chunk',
          created: 0,
          model: 'm',
          choices: [],
          usage: null,
        }),
      ).toBeUndefined();

      expect(recorder.costOf(deployment('mock/gpt-4o'), chunk)).toBe(0);
      expect(recorder.costOf(deployment('openai/gpt-4o'), undefined)).toBe(0);
    });
  });

  describe('record', () => {
    const settled: ActualUsage[] = [];
    let released = 0;
    const admission: Admission = {
      headers: undefined,
      settle: (actual) => void settled.push(actual),
      release: () => void released++,
    };
    const outcome = (overrides: Partial<CallOutcome>): CallOutcome => ({
      requestId: 'req-1',
      endpoint: 'chat',
      modelGroup: 'claude',
      deployment: deployment('anthropic/claude-3-5-sonnet-20241022'),
      keyId: 'vk-0123456789ab',
      keyAlias: 'ci',
      teamId: 'team-1',
      userId: 'alice',
      stream: true,
      startedAt: performance.now() - 50,
      statusCode: 200,
      usage: undefined,
      firstByteAt: undefined,
      errorCode: undefined,
      admission,
      ...overrides,
    });

    beforeEach(() => {
      settled.length = 0;
      released = 0;
    });

    it('settles the spend, writes the attributed row with its breakdown and returns the spend', () => {
      const rows = new KeptRows();
      const recorder = new UsageRecorder(rows, new CostCalculator());
      const usage = readUsage({
        usage: fromAnthropicUsage({
          input_tokens: 100,
          cache_read_input_tokens: 2000,
          cache_creation_input_tokens: 500,
          output_tokens: 50,
        }),
      });
      const spend = recorder.record(outcome({ usage }));
      expect(spend).toBeCloseTo(0.003525, 12);
      expect(settled).toEqual([{ inputTokens: 2600, outputTokens: 50, spendUsd: spend }]);
      expect(rows.rows).toHaveLength(1);
      const row = rows.rows[0]!;
      expect(row).toMatchObject({
        requestId: 'req-1',
        keyId: 'vk-0123456789ab',
        keyAlias: 'ci',
        teamId: 'team-1',
        userId: 'alice',
        deploymentId: 'dep-anthropic/claude-3-5-sonnet-20241022',
        provider: 'anthropic',
        promptTokens: 2600,
        completionTokens: 50,
        totalTokens: 2650,
        cachedPromptTokens: 2000,
        cacheCreationTokens: 500,
        reasoningTokens: 0,
        spend,
      });
      expect(row.inputCost).toBeCloseTo(0.0003, 12);
      expect(row.cacheReadCost).toBeCloseTo(0.0006, 12);
      expect(row.cacheCreationCost).toBeCloseTo(0.001875, 12);
      expect(row.outputCost).toBeCloseTo(0.00075, 12);
      expect(row.latencyMs).toBeGreaterThanOrEqual(50);
    });

    it('releases a failed call without usage and records it at no cost, unattributed when anonymous', () => {
      const rows = new KeptRows();
      const recorder = new UsageRecorder(rows, new CostCalculator());
      const failed = outcome({ statusCode: 502, errorCode: 'upstream_error' });
      const { keyAlias: _a, teamId: _t, userId: _u, ...anonymous } = failed;
      expect(recorder.record({ ...anonymous, keyId: undefined })).toBe(0);
      expect(released).toBe(1);
      expect(settled).toEqual([]);
      expect(rows.rows[0]).toMatchObject({
        statusCode: 502,
        errorCode: 'upstream_error',
        keyId: null,
        keyAlias: null,
        teamId: null,
        userId: null,
        spend: 0,
      });
    });
  });

  it('estimates admission spend with the same prices', () => {
    // gpt-4o: 1000 × 2.50 + 1000 × 10.00
    expect(spendOf(deployment('openai/gpt-4o'), 1000, 1000)).toBeCloseTo(0.0125, 12);
    expect(spendOf(deployment('mock/demo'), 1000, 1000)).toBe(0);
    expect(spendOf(undefined, 1000, 1000)).toBe(0);
  });
});
