import type { RouterTraceRecord, RouterTraceWriter } from '@routeiq/persistence';
import { createHash } from 'node:crypto';
import { RouterDecisionLog } from '../decision/router-decision.log';
import { routeOnce } from './__fixtures__/traced-session';
import { RouterTraceCapture } from './router-trace.capture';
import { RouterTraceConfig } from './router-trace.config';

/** Records what the capture hands to the batched writer. */
class RecordingWriter {
  readonly records: RouterTraceRecord[] = [];
  record(record: RouterTraceRecord): void {
    this.records.push(record);
  }
}

function config(overrides: Partial<RouterTraceConfig> = {}): RouterTraceConfig {
  return Object.assign(new RouterTraceConfig(), {
    traceRouting: true,
    tracePrompts: false,
    sampleRate: 1,
    ...overrides,
  });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe(RouterTraceCapture.name, () => {
  let log: RouterDecisionLog;
  let writer: RecordingWriter;
  let capture: RouterTraceCapture | undefined;

  function start(overrides: Partial<RouterTraceConfig> = {}): void {
    capture = new RouterTraceCapture(
      config(overrides),
      log,
      writer as unknown as RouterTraceWriter,
    );
    capture.onModuleInit();
  }

  beforeEach(() => {
    log = new RouterDecisionLog();
    writer = new RecordingWriter();
  });
  afterEach(() => {
    capture?.onModuleDestroy();
    jest.restoreAllMocks();
  });

  it('captures nothing and never reads the prompt when tracing is off', async () => {
    start({ traceRouting: false, tracePrompts: true });
    const reads = await routeOnce(log, { prompt: 'secret plans' });
    expect(reads).toBe(0);
    expect(writer.records).toEqual([]);
    expect(log.recent(1)).toHaveLength(1);
  });

  it('records an answered request with the hash of its prompt but not the text', async () => {
    start();
    await routeOnce(log, { prompt: 'What is 2 + 2?' });
    const [decision] = log.recent(1);
    expect(writer.records).toEqual([
      {
        requestId: decision!.request_id,
        createdAt: new Date(decision!.timestamp),
        keyId: null,
        teamId: 'team-1',
        modelGroup: 'g',
        deploymentId: 'dep-small',
        routerCandidate: null,
        strategy: 'simple-shuffle',
        strategyVersion: 'v1',
        outcome: 'success',
        latencyMs: decision!.timings.total_ms,
        promptTokens: null,
        completionTokens: null,
        totalTokens: 42,
        spend: null,
        prompt: null,
        promptSha256: sha256('What is 2 + 2?'),
      },
    ]);
    expect(JSON.stringify(decision)).not.toContain('2 + 2');
  });

  it('keeps the prompt text only with LLMROUTER_TRACE_PROMPTS', async () => {
    start({ tracePrompts: true });
    await routeOnce(log, { prompt: 'What is 2 + 2?' });
    await routeOnce(log, { prompt: undefined });
    expect(writer.records.map((r) => [r.prompt, r.promptSha256])).toEqual([
      ['What is 2 + 2?', sha256('What is 2 + 2?')],
      [null, null],
    ]);
  });

  it('names the router candidate for learned strategies only', async () => {
    start();
    await routeOnce(log, { strategy: 'llmrouter-knn' });
    await routeOnce(log, { strategy: 'least-busy' });
    expect(writer.records.map((r) => r.routerCandidate)).toEqual(['small-model', null]);
  });

  it("takes the caller's key and the token split when the request path passes them", async () => {
    start();
    await routeOnce(log, {
      keyId: 'key-a',
      completion: { usage: { promptTokens: 10, completionTokens: 32 } },
    });
    expect(writer.records[0]).toMatchObject({
      keyId: 'key-a',
      promptTokens: 10,
      completionTokens: 32,
      spend: 10 * 0.000001 + 32 * 0.000002,
    });
  });

  it('skips failed requests', async () => {
    start();
    await routeOnce(log, { fail: true, prompt: 'never traced' });
    await routeOnce(log, { completion: { ok: false } });
    expect(writer.records).toEqual([]);
  });

  it('samples by LLMROUTER_TRACE_SAMPLE_RATE', async () => {
    start({ sampleRate: 0.5 });
    const draws = [0.49, 0.5, 0.1];
    jest.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 1);
    for (let i = 0; i < 3; i++) await routeOnce(log);
    expect(writer.records).toHaveLength(2);
  });

  it('stops capturing once destroyed', async () => {
    start();
    capture!.onModuleDestroy();
    await routeOnce(log);
    expect(writer.records).toEqual([]);
  });
});
