'use strict';
// The mock upstream's Anthropic Messages answers (POST /v1/messages), built once as buffers.
// The text matches the OpenAI answers, so both gateway paths move the same words.

const ANSWER_TEXT =
  'Hello! This is a fixed answer from the RouteIQ benchmark upstream, sized like a ' +
  'short chat completion so that proxies move a realistic number of bytes.';
const MODEL = 'bench-model';
const MESSAGE_ID = 'msg_bench00000000000000000000';
const TEXT_DELTAS = 20;

function message() {
  return {
    id: MESSAGE_ID,
    type: 'message',
    role: 'assistant',
    model: MODEL,
    content: [{ type: 'text', text: ANSWER_TEXT }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 14,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens: 38,
      service_tier: 'standard',
    },
  };
}

function sse(type, data) {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

// One buffer per event-loop turn: the opening events together, each text_delta alone, the closing
// events together — 22 turns, as many as the OpenAI stream with its usage chunk and [DONE].
function streamTurns() {
  const start = { ...message(), content: [], stop_reason: null };
  start.usage = { ...start.usage, output_tokens: 1 };
  const turns = [
    sse('message_start', { message: start }) +
      sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ];
  for (let i = 1; i <= TEXT_DELTAS; i++) {
    turns.push(
      sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ` word${i}` } }),
    );
  }
  turns.push(
    sse('content_block_stop', { index: 0 }) +
      sse('message_delta', {
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: TEXT_DELTAS },
      }) +
      sse('message_stop', {}),
  );
  return turns.map((turn) => Buffer.from(turn));
}

const ANTHROPIC_MESSAGE = Buffer.from(JSON.stringify(message()));
const ANTHROPIC_STREAM_TURNS = streamTurns();

module.exports = { ANSWER_TEXT, ANTHROPIC_MESSAGE, ANTHROPIC_STREAM_TURNS };
