import { AnthropicStubServer } from './support/anthropic-stub.server';
import { startTestGateway, TEST_ADMIN_KEY, type TestGateway } from './support/gateway-harness';
import { call, userHeaders, type ErrorEnvelope } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

type Body = Record<string, unknown>;
interface Answer {
  readonly headers: Headers;
  readonly text: string;
  readonly requestId: string;
}
interface LogRow extends Body {
  request_id: string;
  spend: number;
}

// Hand-computed costs (USD per million tokens from the shipped table, see docs/cost-tracking.md).
// o3-mini, reasoning priced in model_info at 8.80: 600 uncached × 1.10 + 400 cached × 0.55
// + 300 output × 4.40 + 200 reasoning × 8.80.
const REASONER_COST = 0.00066 + 0.00022 + 0.00132 + 0.00176;
// gpt-4o, streamed: 976 × 2.50 + 1024 cached × 1.25 + 100 × 10.00.
const GPT_STREAM_COST = 0.00244 + 0.00128 + 0.001;
// claude-3-5-sonnet: 100 × 3.00 + 2000 cache reads × 0.30 + 500 cache writes × 3.75 + 50 × 15.00.
const CLAUDE_COST = 0.0003 + 0.0006 + 0.001875 + 0.00075;
const KEY_A_SPEND = REASONER_COST + GPT_STREAM_COST + CLAUDE_COST;

const OPENAI_USAGE = {
  prompt_tokens: 1000,
  completion_tokens: 500,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 400 },
  completion_tokens_details: { reasoning_tokens: 200 },
};
const ANTHROPIC_USAGE = {
  input_tokens: 100,
  cache_read_input_tokens: 2000,
  cache_creation_input_tokens: 500,
  output_tokens: 50,
};

function config(openai: string, anthropic: string): string {
  const deployment = (group: string, model: string, base: string, info: string[] = []) => [
    `  - model_name: ${group}`,
    '    litellm_params:',
    `      model: ${model}`,
    `      api_base: ${base}`,
    '      api_key: sk-upstream-key',
    '    model_info:',
    `      id: ${group}-dep`,
    ...info.map((line) => `      ${line}`),
  ];
  return [
    'model_list:',
    ...deployment('reasoner', 'openai/o3-mini-2025-01-31', openai, [
      'output_cost_per_reasoning_token: 8.8e-6',
    ]),
    ...deployment('gpt', 'openai/gpt-4o', openai),
    ...deployment('claude', 'anthropic/claude-3-5-sonnet-20241022', anthropic),
    '',
  ].join('\n');
}

function chatCompletion(model: string, usage: Body): Body {
  return {
    id: 'chatcmpl-cost',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage,
  };
}

function chatChunks(model: string, usage: Body): Body[] {
  const base = { id: 'chatcmpl-cost', object: 'chat.completion.chunk', created: 1, model };
  return [
    {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: 'o' }, finish_reason: null }],
    },
    { ...base, choices: [{ index: 0, delta: { content: 'k' }, finish_reason: 'stop' }] },
    { ...base, choices: [], usage },
  ];
}

function anthropicMessage(): Body {
  return {
    id: 'msg_cost',
    type: 'message',
    role: 'assistant',
    model: 'claude-3-5-sonnet-20241022',
    content: [{ type: 'text', text: 'ok' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: ANTHROPIC_USAGE,
  };
}

function anthropicEvents(): Array<{ type: string; [key: string]: unknown }> {
  const { output_tokens: _output, ...input } = ANTHROPIC_USAGE;
  return [
    {
      type: 'message_start',
      message: {
        ...anthropicMessage(),
        content: [],
        stop_reason: null,
        usage: { ...input, output_tokens: 1 },
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'ok' } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 50 },
    },
    { type: 'message_stop' },
  ];
}

describe('Cost tracking: prices × provider usage, attribution, /spend endpoints', () => {
  const openai = new OpenAiStubServer();
  const anthropic = new AnthropicStubServer();
  let gw: TestGateway;
  let teamId: string;
  let keyA: { key: string; token: string; id: string };
  let keyB: { key: string; token: string; id: string };
  const answers: Record<string, Answer> = {};
  const id = (name: string): string => answers[name]!.requestId;

  const admin = (path: string, body?: Body) =>
    call<Body & ErrorEnvelope>(`${gw.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const chat = async (key: string, model: string, stream = false): Promise<Answer> => {
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: userHeaders(key),
      body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'price me' }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    return { headers: res.headers, text, requestId: res.headers.get('x-request-id')! };
  };
  const generate = async (body: Body) => {
    const res = await admin('/key/generate', body);
    expect(res.status).toBe(200);
    const token = res.body.token as string;
    return { key: res.body.key as string, token, id: `vk-${token.slice(0, 12)}` };
  };
  const logs = async (query: string) => {
    const res = await admin(`/spend/logs?${query}`);
    expect(res.status).toBe(200);
    return res.body.data as LogRow[];
  };
  const report = async (query: string) => {
    const res = await admin(`/spend/report?${query}`);
    expect(res.status).toBe(200);
    return res.body as unknown as { data: Body[]; total: Body };
  };

  beforeAll(async () => {
    const [openaiBase, anthropicBase] = await Promise.all([openai.start(), anthropic.start()]);
    gw = await startTestGateway({ yaml: config(openaiBase, anthropicBase) });
    const team = await admin('/team/new', { team_alias: 'Cost Team' });
    expect(team.status).toBe(200);
    teamId = team.body.team_id as string;
    keyA = await generate({ team_id: teamId, user_id: 'alice', key_alias: 'cost-key-a' });
    keyB = await generate({ key_alias: 'cost-key-b' });

    const path = '/v1/chat/completions';
    const reasonerAnswer = (): void =>
      openai.script(path, {
        kind: 'json',
        status: 200,
        body: chatCompletion('o3-mini', OPENAI_USAGE),
      });
    const gptUsage = {
      prompt_tokens: 2000,
      completion_tokens: 100,
      total_tokens: 2100,
      prompt_tokens_details: { cached_tokens: 1024 },
    };
    // Key A: OpenAI with cache and reasoning, a streamed OpenAI answer, Anthropic with cache.
    reasonerAnswer();
    answers.reasoner = await chat(keyA.key, 'reasoner');
    openai.script(path, { kind: 'sse', chunks: chatChunks('gpt-4o', gptUsage) });
    answers.gpt = await chat(keyA.key, 'gpt', true);
    anthropic.script({ kind: 'json', status: 200, body: anthropicMessage() });
    answers.claude = await chat(keyA.key, 'claude');
    // Key B (no team, no user): a streamed and a unary Anthropic answer, OpenAI, Anthropic again.
    anthropic.script({ kind: 'events', events: anthropicEvents() });
    answers.claudeStream = await chat(keyB.key, 'claude', true);
    reasonerAnswer();
    answers.reasonerB = await chat(keyB.key, 'reasoner');
    anthropic.script({ kind: 'json', status: 200, body: anthropicMessage() });
    answers.claudeB = await chat(keyB.key, 'claude');
    anthropic.script({ kind: 'events', events: anthropicEvents() });
    answers.claudeStreamB = await chat(keyB.key, 'claude', true);
  });

  afterAll(async () => {
    await gw?.close();
    await Promise.all([openai.stop(), anthropic.stop()]);
  });

  it('tells a unary answer its cost in x-routeiq-response-cost, never a stream', () => {
    const cost = (answer: Answer) => Number(answer.headers.get('x-routeiq-response-cost'));
    expect(cost(answers.reasoner!)).toBeCloseTo(REASONER_COST, 12);
    expect(cost(answers.claude!)).toBeCloseTo(CLAUDE_COST, 12);
    // A stream's headers leave before its usage is known.
    expect(answers.claudeStream!.headers.get('x-routeiq-response-cost')).toBeNull();
    expect(answers.claudeStream!.text).toContain('data: [DONE]');
  });

  it('logs each request with its tokens, cost breakdown and attribution, newest first', async () => {
    const rows = await logs(`key_id=${keyA.id}`);
    expect(rows.map((row) => row.request_id)).toEqual([id('claude'), id('gpt'), id('reasoner')]);
    const [claude, gpt, reasoner] = rows;
    expect(reasoner).toMatchObject({
      model_group: 'reasoner',
      deployment_id: 'reasoner-dep',
      provider: 'openai',
      key_id: keyA.id,
      key_alias: 'cost-key-a',
      team_id: teamId,
      user_id: 'alice',
      status_code: 200,
      stream: false,
      prompt_tokens: 1000,
      completion_tokens: 500,
      cached_prompt_tokens: 400,
      reasoning_tokens: 200,
      cache_creation_tokens: 0,
    });
    expect(reasoner!.spend).toBeCloseTo(REASONER_COST, 12);
    expect(gpt).toMatchObject({ stream: true, prompt_tokens: 2000, cached_prompt_tokens: 1024 });
    expect(gpt!.spend).toBeCloseTo(GPT_STREAM_COST, 12);
    expect(claude).toMatchObject({
      provider: 'anthropic',
      prompt_tokens: 2600,
      completion_tokens: 50,
      cached_prompt_tokens: 2000,
      cache_creation_tokens: 500,
    });
    const breakdown = claude!.cost_breakdown as Record<string, number>;
    expect(breakdown.input).toBeCloseTo(0.0003, 12);
    expect(breakdown.cache_read).toBeCloseTo(0.0006, 12);
    expect(breakdown.cache_creation).toBeCloseTo(0.001875, 12);
    expect(breakdown.output).toBeCloseTo(0.00075, 12);
    expect(claude!.spend).toBeCloseTo(CLAUDE_COST, 12);
  });

  it('records a streamed Anthropic answer from its message_start and message_delta usage', async () => {
    const [row] = await logs(`request_id=${id('claudeStream')}`);
    expect(row).toMatchObject({ stream: true, key_id: keyB.id, team_id: null, user_id: null });
    expect(row).toMatchObject({ prompt_tokens: 2600, completion_tokens: 50 });
    expect(row!.spend).toBeCloseTo(CLAUDE_COST, 12);
  });

  it('filters logs by LiteLLM api_key, team, user, model and dates, and pages them', async () => {
    expect((await logs(`api_key=${encodeURIComponent(keyA.key)}`)).length).toBe(3);
    expect((await logs(`api_key=${keyA.token}`)).length).toBe(3);
    expect((await logs(`team_id=${teamId}&model=claude`)).map((r) => r.request_id)).toEqual([
      id('claude'),
    ]);
    expect((await logs('user_id=alice&model=gpt')).map((r) => r.request_id)).toEqual([id('gpt')]);
    expect(await logs('start_date=2000-01-01&end_date=2000-01-31')).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await logs(`start_date=${today}&key_id=${keyA.id}`)).length).toBe(3);

    const first = await admin(`/spend/logs?key_id=${keyA.id}&limit=2`);
    expect((first.body.data as LogRow[]).length).toBe(2);
    const cursor = first.body.next_cursor as string;
    const second = await admin(`/spend/logs?key_id=${keyA.id}&limit=2&cursor=${cursor}`);
    expect((second.body.data as LogRow[]).map((r) => r.request_id)).toEqual([id('reasoner')]);
    expect(second.body.next_cursor).toBeNull();
  });

  it('reports spend grouped by key, team, model and day', async () => {
    const keyBSpend = 3 * CLAUDE_COST + REASONER_COST;
    const byKey = await report(`group_by=key&key_id=${keyA.id}`);
    expect(byKey.data).toHaveLength(1);
    expect(byKey.data[0]).toMatchObject({
      key_id: keyA.id,
      key_alias: 'cost-key-a',
      requests: 3,
      failed_requests: 0,
      prompt_tokens: 5600,
      completion_tokens: 650,
      cached_prompt_tokens: 3424,
      cache_creation_tokens: 500,
      reasoning_tokens: 200,
    });
    expect(byKey.data[0]!.spend as number).toBeCloseTo(KEY_A_SPEND, 12);

    const byTeam = await report('group_by=team');
    const teamRow = byTeam.data.find((row) => row.team_id === teamId);
    expect(teamRow!.spend as number).toBeCloseTo(KEY_A_SPEND, 12);
    const noTeam = byTeam.data.find((row) => row.team_id === null);
    expect(noTeam!.spend as number).toBeCloseTo(keyBSpend, 12);
    expect(byTeam.total.spend as number).toBeCloseTo(KEY_A_SPEND + keyBSpend, 12);

    const byModel = await report('group_by=model');
    expect(byModel.data.map((row) => row.model)).toEqual(['claude', 'reasoner', 'gpt']);
    expect(byModel.data[0]!.spend as number).toBeCloseTo(CLAUDE_COST * 4, 12);
    expect(byModel.data[0]!.requests).toBe(4);

    const byDay = await report('group_by=day');
    expect(byDay.data).toHaveLength(1);
    expect(byDay.data[0]!.day).toBe(new Date().toISOString().slice(0, 10));
    expect(byDay.data[0]!.requests).toBe(7);
  });

  it("adds the same amounts to the key's, the team's and the user's spend", async () => {
    let info: Body = {};
    for (let attempt = 0; attempt < 40; attempt++) {
      info = (await admin(`/key/info?key=${keyA.token}`)).body.info as Body;
      if ((info.spend as number) >= KEY_A_SPEND - 1e-9) break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(info.spend as number).toBeCloseTo(KEY_A_SPEND, 12);
    expect(info.user_spend as number).toBeCloseTo(KEY_A_SPEND, 12);
    const team = await admin(`/team/info?team_id=${teamId}`);
    expect((team.body.team_info as Body).spend as number).toBeCloseTo(KEY_A_SPEND, 12);
  });
});
