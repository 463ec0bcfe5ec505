import { ANTHROPIC_STUB_TEXT, AnthropicStubServer } from './anthropic-stub.server';
import { AZURE_STUB_TEXT, AzureStubServer } from './azure-stub.server';
import { BEDROCK_STUB_TEXT, BedrockStubServer, type BedrockStubFrame } from './bedrock-stub.server';
import { GEMINI_STUB_TEXT, GeminiStubServer } from './gemini-stub.server';
import { OpenAiStubServer, STUB_TEXT } from './openai-stub.server';
import { RESPONSES_STUB_TEXT } from './openai-responses.stub';

export type MatrixProvider = 'openai' | 'azure' | 'anthropic' | 'bedrock' | 'gemini';

/** The tool every stub calls, and the arguments every stub sends for it. */
export const MATRIX_TOOL = 'get_weather';
export const MATRIX_TOOL_ARGS = { city: 'Paris' };

export interface MatrixTarget {
  /** The model group routed to this provider. */
  readonly group: string;
  /** The text the stub streams (and, except for openai's `#n` suffix, answers whole). */
  readonly text: string;
  /** On the Responses surface: providers that pass it through answer with the stub's own text. */
  readonly responsesText: string;
}

export const MATRIX_TARGETS: Readonly<Record<MatrixProvider, MatrixTarget>> = {
  openai: { group: 'm-openai', text: STUB_TEXT, responsesText: RESPONSES_STUB_TEXT },
  azure: { group: 'm-azure', text: AZURE_STUB_TEXT, responsesText: RESPONSES_STUB_TEXT },
  anthropic: {
    group: 'm-anthropic',
    text: ANTHROPIC_STUB_TEXT,
    responsesText: ANTHROPIC_STUB_TEXT,
  },
  bedrock: { group: 'm-bedrock', text: BEDROCK_STUB_TEXT, responsesText: BEDROCK_STUB_TEXT },
  gemini: { group: 'm-gemini', text: GEMINI_STUB_TEXT, responsesText: GEMINI_STUB_TEXT },
};

const BEDROCK_USAGE = { inputTokens: 12, outputTokens: 6, totalTokens: 18 };

/** A Converse answer with one toolUse block (the Bedrock stub never invents tool calls). */
const BEDROCK_TOOL_ANSWER = {
  output: {
    message: {
      role: 'assistant',
      content: [
        { toolUse: { toolUseId: 'tooluse_1', name: MATRIX_TOOL, input: MATRIX_TOOL_ARGS } },
      ],
    },
  },
  stopReason: 'tool_use',
  usage: BEDROCK_USAGE,
};

/** A ConverseStream carrying one toolUse block whose input arrives in pieces. */
const BEDROCK_TOOL_FRAMES: BedrockStubFrame[] = [
  { event: 'messageStart', payload: { role: 'assistant', p: 'abc' } },
  {
    event: 'contentBlockStart',
    payload: {
      contentBlockIndex: 0,
      start: { toolUse: { toolUseId: 'tooluse_2', name: MATRIX_TOOL } },
    },
  },
  ...['{"ci', 'ty":"Pa', 'ris"}'].map((input) => ({
    event: 'contentBlockDelta',
    payload: { contentBlockIndex: 0, delta: { toolUse: { input } } },
  })),
  { event: 'contentBlockStop', payload: { contentBlockIndex: 0 } },
  { event: 'messageStop', payload: { stopReason: 'tool_use' } },
  { event: 'metadata', payload: { usage: BEDROCK_USAGE, metrics: { latencyMs: 10 } } },
];

/** An OpenAI tool-call stream (the OpenAI stub streams only text by default). */
function openAiToolChunks(): unknown[] {
  const base = { id: 'chatcmpl-matrix', object: 'chat.completion.chunk', created: 1, model: 'x' };
  const chunk = (delta: unknown, finish: string | null = null): unknown => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const start = {
    index: 0,
    id: 'call_m1',
    type: 'function',
    function: { name: MATRIX_TOOL, arguments: '' },
  };
  return [
    chunk({ role: 'assistant', content: null, tool_calls: [start] }),
    ...['{"city"', ':"Pa', 'ris"}'].map((piece) =>
      chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }),
    ),
    chunk({}, 'tool_calls'),
  ];
}

/** The five provider stubs behind one gateway config, one model group each. */
export class MatrixStubs {
  readonly openai = new OpenAiStubServer();
  readonly azure = new AzureStubServer();
  readonly anthropic = new AnthropicStubServer();
  readonly bedrock = new BedrockStubServer();
  readonly gemini = new GeminiStubServer();

  /** Starts every stub; resolves to the gateway's YAML config. */
  async start(): Promise<string> {
    const [openai, azure, anthropic, bedrock, gemini] = await Promise.all([
      this.openai.start(),
      this.azure.start(),
      this.anthropic.start(),
      this.bedrock.start(),
      this.gemini.start(),
    ]);
    const group = (name: string, params: string[]): string[] => [
      `  - model_name: ${name}`,
      '    litellm_params:',
      ...params.map((line) => `      ${line}`),
    ];
    return [
      'model_list:',
      ...group('m-openai', ['model: openai/gpt-4o-mini', `api_base: ${openai}`, 'api_key: x']),
      ...group('m-azure', [
        'model: azure/gpt-4o-prod',
        `api_base: ${azure}`,
        'api_key: x',
        'api_version: "2024-10-21"',
      ]),
      ...group('m-anthropic', [
        'model: anthropic/claude-x',
        `api_base: ${anthropic}`,
        'api_key: x',
      ]),
      ...group('m-bedrock', [
        'model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0',
        `api_base: ${bedrock}`,
        'aws_region_name: us-east-1',
        'aws_access_key_id: AKIDEXAMPLE',
        'aws_secret_access_key: secret',
      ]),
      ...group('m-gemini', ['model: gemini/gemini-2.0-flash', `api_base: ${gemini}`, 'api_key: x']),
    ].join('\n');
  }

  /** Scripts the next answer where a stub cannot produce the tool call by itself. */
  prepareToolCall(provider: MatrixProvider, stream: boolean): void {
    if (provider === 'openai' && stream) {
      this.openai.script('/v1/chat/completions', { kind: 'sse', chunks: openAiToolChunks() });
    }
    if (provider !== 'bedrock') return;
    if (stream)
      this.bedrock.script('converse-stream', { kind: 'events', frames: BEDROCK_TOOL_FRAMES });
    else this.bedrock.script('converse', { kind: 'json', status: 200, body: BEDROCK_TOOL_ANSWER });
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.openai.stop(),
      this.azure.stop(),
      this.anthropic.stop(),
      this.bedrock.stop(),
      this.gemini.stop(),
    ]);
  }
}
