import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { invalidBedrockRequest, plainText, toConverseMessages } from './bedrock-message.mapper';
import type {
  ConverseInferenceConfig,
  ConverseRequest,
  ConverseToolChoice,
  ConverseToolConfig,
  ConverseToolSpec,
} from './bedrock.types';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberParam(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.every((s): s is string => typeof s === 'string')) {
    return stop.length > 0 ? stop : undefined;
  }
  return undefined;
}

function inferenceConfig(request: ChatCompletionRequest): ConverseInferenceConfig | undefined {
  const config: ConverseInferenceConfig = {};
  const maxTokens = numberParam(request.max_completion_tokens) ?? numberParam(request.max_tokens);
  if (maxTokens !== undefined) config.maxTokens = maxTokens;
  const temperature = numberParam(request.temperature);
  if (temperature !== undefined) config.temperature = temperature;
  const topP = numberParam(request.top_p);
  if (topP !== undefined) config.topP = topP;
  const stop = stopSequences(request.stop);
  if (stop) config.stopSequences = stop;
  return Object.keys(config).length > 0 ? config : undefined;
}

function toolSpec(raw: unknown, i: number): ConverseToolSpec {
  const fn = asRecord(asRecord(raw)?.function);
  if (asRecord(raw)?.type !== 'function' || typeof fn?.name !== 'string') {
    throw invalidBedrockRequest('only function tools with a name are supported', `tools[${i}]`);
  }
  const description = typeof fn.description === 'string' ? fn.description : undefined;
  return {
    toolSpec: {
      name: fn.name,
      ...(description !== undefined ? { description } : {}),
      inputSchema: { json: fn.parameters ?? { type: 'object', properties: {} } },
    },
  };
}

function toolChoice(choice: unknown): ConverseToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  const name = asRecord(asRecord(choice)?.function)?.name;
  if (typeof name === 'string') return { tool: { name } };
  throw invalidBedrockRequest(
    'tool_choice must be auto, none, required or a function',
    'tool_choice',
  );
}

/**
 * `tool_choice: "none"` drops the tools altogether: Converse has no "none", and a model that is
 * not shown tools cannot call one. (Bedrock then refuses histories holding toolUse blocks; such
 * requests fail upstream with its 400, as they would with LiteLLM.)
 */
function toolConfig(request: ChatCompletionRequest): ConverseToolConfig | undefined {
  const tools = Array.isArray(request.tools) ? request.tools : [];
  if (tools.length === 0 || request.tool_choice === 'none') return undefined;
  const choice = toolChoice(request.tool_choice);
  return { tools: tools.map(toolSpec), ...(choice ? { toolChoice: choice } : {}) };
}

/**
 * OpenAI chat request → Converse body. `model` goes in the URL, not the body. Parameters Converse
 * has no field for (presence/frequency penalties, seed, response_format…) are not sent.
 */
export function toConverseRequest(request: ChatCompletionRequest): ConverseRequest {
  if (request.n !== undefined && request.n !== 1) {
    throw invalidBedrockRequest('Bedrock returns a single choice; n must be 1', 'n');
  }
  const system = request.messages.flatMap((message, i) =>
    message.role === 'system' || message.role === 'developer'
      ? [{ text: plainText(message.content, `messages[${i}].content`) }]
      : [],
  );
  const body: ConverseRequest = { messages: toConverseMessages(request.messages) };
  if (system.length > 0) body.system = system;
  const inference = inferenceConfig(request);
  if (inference) body.inferenceConfig = inference;
  const tools = toolConfig(request);
  if (tools) body.toolConfig = tools;
  return body;
}
