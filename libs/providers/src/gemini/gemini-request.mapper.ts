import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { toGeminiConversation } from './gemini-content.mapper';
import { toGeminiParameters, toGeminiSchema } from './gemini-schema.mapper';
import type {
  GeminiFunctionDeclaration,
  GeminiGenerateContentRequest,
  GeminiGenerationConfig,
  GeminiToolConfig,
} from './gemini.types';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function stopSequences(stop: unknown): string[] | undefined {
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop)) return stop.filter((s): s is string => typeof s === 'string');
  return undefined;
}

/**
 * `response_format`: `json_object` asks for JSON; `json_schema` also passes the schema (cleaned,
 * see gemini-schema.mapper.ts; `name` and `strict` have no Gemini equivalent and are dropped).
 */
function responseFormat(format: unknown): Partial<GeminiGenerationConfig> {
  const record = asRecord(format);
  if (record?.type === 'json_object') return { responseMimeType: 'application/json' };
  if (record?.type !== 'json_schema') return {};
  const schema = asRecord(record.json_schema)?.schema;
  return schema === undefined
    ? { responseMimeType: 'application/json' }
    : { responseMimeType: 'application/json', responseSchema: toGeminiSchema(schema) };
}

function generationConfig(request: ChatCompletionRequest): GeminiGenerationConfig | undefined {
  const config: GeminiGenerationConfig = {
    maxOutputTokens: request.max_completion_tokens ?? request.max_tokens,
    temperature: numberOf(request.temperature),
    topP: numberOf(request.top_p),
    topK: numberOf(request.top_k),
    stopSequences: stopSequences(request.stop),
    candidateCount: request.n,
    presencePenalty: numberOf(request.presence_penalty),
    frequencyPenalty: numberOf(request.frequency_penalty),
    seed: numberOf(request.seed),
    ...responseFormat(request.response_format),
  };
  const defined = Object.entries(config).filter(([, value]) => value !== undefined);
  return defined.length > 0 ? Object.fromEntries(defined) : undefined;
}

/** OpenAI function tools; other tool types (none exist for chat today) are dropped. */
function functionDeclarations(tools: unknown[] | undefined): GeminiFunctionDeclaration[] {
  const declarations: GeminiFunctionDeclaration[] = [];
  for (const tool of tools ?? []) {
    const fn = asRecord(asRecord(tool)?.function);
    if (typeof fn?.name !== 'string') continue;
    const parameters = toGeminiParameters(fn.parameters);
    declarations.push({
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      ...(parameters ? { parameters } : {}),
    });
  }
  return declarations;
}

function toolConfig(choice: unknown): GeminiToolConfig | undefined {
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  const name = asRecord(asRecord(choice)?.function)?.name;
  if (typeof name !== 'string') return undefined;
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
}

/**
 * An OpenAI chat request as a Gemini `generateContent` body. Parameters without a Gemini
 * counterpart (`logit_bias`, `logprobs`, `user`, `parallel_tool_calls`, …) are dropped.
 */
export function toGeminiRequest(request: ChatCompletionRequest): GeminiGenerateContentRequest {
  const body: GeminiGenerateContentRequest = toGeminiConversation(request.messages);
  const declarations = functionDeclarations(request.tools);
  if (declarations.length > 0) body.tools = [{ functionDeclarations: declarations }];
  const config = declarations.length > 0 ? toolConfig(request.tool_choice) : undefined;
  if (config) body.toolConfig = config;
  const generation = generationConfig(request);
  if (generation) body.generationConfig = generation;
  return body;
}
