import OpenAI, { AzureOpenAI } from 'openai';
import {
  AZURE_STUB_ARGUMENTS,
  AZURE_STUB_TEXT,
  AzureStubServer,
} from './support/azure-stub.server';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

const API_VERSION = '2024-10-21';
const hi = [{ role: 'user' as const, content: 'Hi' }];
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
};

function azureYaml(apiBase: string): string {
  return [
    'model_list:',
    '  - model_name: azure-gpt',
    '    litellm_params:',
    '      model: azure/gpt-4o-prod',
    `      api_base: ${apiBase}`,
    '      api_key: azure-upstream-secret',
    `      api_version: "${API_VERSION}"`,
    '  - model_name: azure-entra',
    '    litellm_params:',
    '      model: azure/gpt-4o-entra',
    `      api_base: ${apiBase}`,
    '      azure_ad_token: entra-upstream-token',
    '  - model_name: azure-embed',
    '    litellm_params:',
    '      model: azure/text-embedding-3-small',
    `      api_base: ${apiBase}`,
    '      api_key: azure-upstream-secret',
  ].join('\n');
}

describe('Azure OpenAI: the azure provider and the Azure-style inbound routes (AzureOpenAI SDK)', () => {
  const stub = new AzureStubServer();
  let gw: TestGateway;
  let client: AzureOpenAI;

  beforeAll(async () => {
    const apiBase = await stub.start();
    gw = await startTestGateway({
      yaml: azureYaml(apiBase),
      env: { AZURE_API_VERSION: '2024-06-01', AZURE_API_KEY: undefined, AZURE_AD_TOKEN: undefined },
    });
    client = new AzureOpenAI({
      endpoint: gw.url,
      apiKey: TEST_MASTER_KEY,
      apiVersion: API_VERSION,
      maxRetries: 0,
    });
  });

  afterAll(async () => {
    await gw?.close();
    await stub.stop();
  });

  it('answers a chat completion, calling the Azure deployment with its api-key', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'azure-gpt', messages: hi })
      .withResponse();

    expect(response.url).toBe(
      `${gw.url}/openai/deployments/azure-gpt/chat/completions?api-version=${API_VERSION}`,
    );
    expect(data.choices[0]!.message.content).toBe(AZURE_STUB_TEXT);
    expect(data.choices[0]!.finish_reason).toBe('stop');
    const upstream = stub.last();
    expect(upstream.path).toBe('/openai/deployments/gpt-4o-prod/chat/completions');
    expect(upstream.apiVersion).toBe(API_VERSION);
    expect(upstream.headers['api-key']).toBe('azure-upstream-secret');
    expect(upstream.headers.authorization).toBeUndefined();
    expect(upstream.body).toEqual({ model: 'gpt-4o-prod', messages: hi });
    expect(JSON.stringify(upstream.headers)).not.toContain(TEST_MASTER_KEY);
  });

  it('lets the path name the model group over the body (deployment option)', async () => {
    const pinned = new AzureOpenAI({
      endpoint: gw.url,
      apiKey: TEST_MASTER_KEY,
      apiVersion: API_VERSION,
      deployment: 'azure-gpt',
      maxRetries: 0,
    });
    const answer = await pinned.chat.completions.create({ model: 'not-a-group', messages: hi });
    expect(answer.choices[0]!.message.content).toBe(AZURE_STUB_TEXT);
    expect(stub.last().body.model).toBe('gpt-4o-prod');
  });

  it('returns tool calls, whole and streamed in pieces', async () => {
    const whole = await client.chat.completions.create({
      model: 'azure-gpt',
      messages: hi,
      tools: [weatherTool],
    });
    expect(whole.choices[0]!.finish_reason).toBe('tool_calls');
    expect(whole.choices[0]!.message.tool_calls).toEqual([
      {
        id: 'call_azure_1',
        type: 'function',
        function: { name: 'get_weather', arguments: AZURE_STUB_ARGUMENTS },
      },
    ]);

    const stream = await client.chat.completions.create({
      model: 'azure-gpt',
      messages: hi,
      tools: [weatherTool],
      stream: true,
      stream_options: { include_usage: true },
    });
    const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    const finishes: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
      const finish = chunk.choices[0]?.finish_reason;
      if (finish) finishes.push(finish);
      usage = chunk.usage ?? usage;
    }
    expect(deltas[0]).toEqual({
      index: 0,
      id: 'call_azure_2',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(deltas.map((d) => d.function?.arguments).join('')).toBe(AZURE_STUB_ARGUMENTS);
    expect(finishes).toEqual(['tool_calls']);
    expect(usage).toEqual({ prompt_tokens: 19, completion_tokens: 6, total_tokens: 25 });
    expect(stub.last().body).toMatchObject({ model: 'gpt-4o-prod', stream: true });
  });

  it('streams text through the alias route', async () => {
    const stream = await client.chat.completions.create({
      model: 'azure-gpt',
      messages: hi,
      stream: true,
    });
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.choices[0]?.delta.content ?? '');
    expect(parts.join('')).toBe(AZURE_STUB_TEXT);
  });

  it('serves embeddings and completions under /openai/deployments/{model}/', async () => {
    const embedding = await client.embeddings.create({ model: 'azure-embed', input: ['a', 'b'] });
    expect(embedding.data.map((d) => d.embedding)).toEqual([
      [0.5, -0.25, 0.125],
      [0.5, -0.25, 0.125],
    ]);
    expect(stub.last().path).toBe('/openai/deployments/text-embedding-3-small/embeddings');
    // The deployment-level api_version is absent: AZURE_API_VERSION from the environment applies.
    expect(stub.last().apiVersion).toBe('2024-06-01');

    const completion = await client.completions.create({ model: 'azure-gpt', prompt: 'Say' });
    expect(completion.choices[0]!.text).toBe(' from Azure');
    expect(stub.last().path).toBe('/openai/deployments/gpt-4o-prod/completions');
  });

  it('accepts the legacy /engines/{model}/… routes with an api-key header', async () => {
    const res = await fetch(`${gw.url}/engines/azure-gpt/chat/completions?api-version=x`, {
      method: 'POST',
      headers: { 'api-key': TEST_MASTER_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: hi }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as OpenAI.Chat.ChatCompletion;
    expect(body.choices[0]!.message.content).toBe(AZURE_STUB_TEXT);
  });

  it('calls a deployment configured with an Entra ID token as a bearer', async () => {
    await client.chat.completions.create({ model: 'azure-entra', messages: hi });
    const upstream = stub.last();
    expect(upstream.path).toBe('/openai/deployments/gpt-4o-entra/chat/completions');
    expect(upstream.headers.authorization).toBe('Bearer entra-upstream-token');
    expect(upstream.headers['api-key']).toBeUndefined();
  });

  it('relays an Azure content-filter refusal as a 400 content_filter error', async () => {
    stub.script({
      status: 400,
      body: {
        error: {
          message:
            "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
          type: null,
          param: 'prompt',
          code: 'content_filter',
          status: 400,
          innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: {} },
        },
      },
    });
    const error = await client.chat.completions
      .create({ model: 'azure-gpt', messages: hi })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ status: 400, code: 'content_filter', param: 'prompt' });
  });

  it('refuses an unknown model group, a missing key and a wrong key', async () => {
    await expect(
      client.chat.completions.create({ model: 'no-such-group', messages: hi }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });

    const noKey = await fetch(`${gw.url}/openai/deployments/azure-gpt/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: hi }),
    });
    expect(noKey.status).toBe(401);

    const wrong = new AzureOpenAI({
      endpoint: gw.url,
      apiKey: 'sk-wrong-key-0123456789',
      apiVersion: API_VERSION,
      maxRetries: 0,
    });
    await expect(
      wrong.chat.completions.create({ model: 'azure-gpt', messages: hi }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });
});
