import type {
  AnthropicContentBlock,
  AnthropicCountTokensRequest,
} from './anthropic-messages.types';

/** About four characters of English text or JSON per token for current BPE tokenizers. */
const CHARS_PER_TOKEN = 4;
/** Role markers and turn separators a chat template adds around each message. */
const TOKENS_PER_MESSAGE = 3;
/**
 * Anthropic bills an image at about width × height / 750 tokens and scales images down to about
 * 1.15 megapixels first, so ~1 600 is the most one costs; the bytes are not decoded to measure it.
 */
const TOKENS_PER_IMAGE = 1_600;

/**
 * An estimate of a request's input tokens, without a tokenizer (there is none for every provider
 * the gateway fronts): ~4 characters per token over the text (system, text blocks, tool inputs
 * and results, tool names, descriptions and schemas), 3 per message and 1 600 per image. Rough,
 * on the high side for English prose; good enough for context-window and budget decisions.
 */
export function estimateInputTokens(request: AnthropicCountTokensRequest): number {
  const tally = { chars: 0, images: 0 };
  if (typeof request.system === 'string') tally.chars += request.system.length;
  else for (const block of request.system ?? []) tally.chars += block.text.length;
  for (const message of request.messages) {
    if (typeof message.content === 'string') tally.chars += message.content.length;
    else for (const block of message.content) countBlock(block, tally);
  }
  for (const tool of request.tools ?? []) {
    tally.chars += tool.name.length + (tool.description?.length ?? 0);
    tally.chars += JSON.stringify(tool.input_schema).length;
  }
  return (
    Math.ceil(tally.chars / CHARS_PER_TOKEN) +
    TOKENS_PER_MESSAGE * request.messages.length +
    TOKENS_PER_IMAGE * tally.images
  );
}

function countBlock(block: AnthropicContentBlock, tally: { chars: number; images: number }): void {
  const fields = block as Record<string, unknown>;
  switch (block.type) {
    case 'text':
      tally.chars += typeof fields.text === 'string' ? fields.text.length : 0;
      return;
    case 'image':
      tally.images += 1;
      return;
    case 'tool_use':
      tally.chars += JSON.stringify([fields.name, fields.input ?? {}]).length;
      return;
    case 'tool_result': {
      const content = block.content;
      if (typeof content === 'string') tally.chars += content.length;
      else for (const part of content ?? []) countBlock(part, tally);
      return;
    }
    default:
      // Thinking blocks and others: their JSON is a fair stand-in for their text.
      tally.chars += JSON.stringify(block).length;
  }
}
