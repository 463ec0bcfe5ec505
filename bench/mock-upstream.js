'use strict';
// OpenAI- and Anthropic-shaped upstream for benchmarks: fixed answers from precomputed buffers, no
// real parsing.
//   POST /v1/chat/completions            -> ~660-byte chat.completion JSON
//   POST ... with "stream": true         -> 20 chat.completion.chunk SSE events, then [DONE]
//   POST /v1/messages                    -> an Anthropic message (same text), 401 without x-api-key
//   POST ... with "stream": true         -> message_start, content_block_start, 20 text_delta,
//                                           content_block_stop, message_delta, message_stop
//   GET /v1/models, GET /_health/*       -> 200 (the latter lets a bare proxy stand in for the gateway)
// Usage: node bench/mock-upstream.js [--port N]   (prints {"port":N} on stdout once listening)
// MOCK_STREAM_TICK=one writes the whole stream in one tick instead of one event per setImmediate.
const http = require('node:http');

const {
  ANSWER_TEXT,
  ANTHROPIC_MESSAGE,
  ANTHROPIC_STREAM_TURNS,
} = require('./lib/anthropic-answers');

const MODEL = 'bench-model';
const CREATED = 1700000000;
const CHUNK_COUNT = 20;
const oneTick = process.env.MOCK_STREAM_TICK === 'one';

function completionBody() {
  const body = {
    id: 'chatcmpl-bench0000000000000000000000000',
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    system_fingerprint: 'fp_bench00000',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: ANSWER_TEXT,
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 14,
      completion_tokens: 38,
      total_tokens: 52,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    service_tier: 'default',
  };
  return Buffer.from(JSON.stringify(body));
}

function chunkEvent(delta, finishReason, extra = {}) {
  const chunk = {
    id: 'chatcmpl-bench0000000000000000000000000',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    system_fingerprint: 'fp_bench00000',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  };
  return Buffer.from(`data: ${JSON.stringify(chunk)}\n\n`);
}

function streamEvents() {
  const events = [chunkEvent({ role: 'assistant', content: '' }, null)];
  for (let i = 1; i < CHUNK_COUNT - 1; i++) events.push(chunkEvent({ content: ` word${i}` }, null));
  events.push(chunkEvent({}, 'stop'));
  return events;
}

const COMPLETION = completionBody();
const STREAM_EVENTS = streamEvents();
const USAGE_EVENT = Buffer.from(
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench0000000000000000000000000',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    choices: [],
    usage: { prompt_tokens: 14, completion_tokens: 19, total_tokens: 33 },
  })}\n\n`,
);
const DONE_EVENT = Buffer.from('data: [DONE]\n\n');
const MODELS = Buffer.from(
  JSON.stringify({ object: 'list', data: [{ id: MODEL, object: 'model', owned_by: 'bench' }] }),
);
const STREAM_FLAG = /"stream"\s*:\s*true/;
const USAGE_FLAG = /"include_usage"\s*:\s*true/;

function sendJson(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

function sendStream(res, withUsage) {
  writeEvents(
    res,
    withUsage ? [...STREAM_EVENTS, USAGE_EVENT, DONE_EVENT] : [...STREAM_EVENTS, DONE_EVENT],
  );
}

// One buffer per event-loop turn (all at once with MOCK_STREAM_TICK=one).
function writeEvents(res, events) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  if (oneTick) {
    for (const event of events) res.write(event);
    res.end();
    return;
  }
  let next = 0;
  const writeNext = () => {
    if (res.destroyed) return;
    res.write(events[next++]);
    if (next < events.length) setImmediate(writeNext);
    else res.end();
  };
  writeNext();
}

function readBody(req, onBody) {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    onBody(
      parts.length === 1 ? parts[0].toString('latin1') : Buffer.concat(parts).toString('latin1'),
    );
  });
}

function handleChat(req, res) {
  readBody(req, (body) => {
    if (STREAM_FLAG.test(body)) sendStream(res, USAGE_FLAG.test(body));
    else sendJson(res, 200, COMPLETION);
  });
}

const ANTHROPIC_AUTH_ERROR = Buffer.from(
  '{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"}}',
);

// Like Anthropic: refuses a call without x-api-key or anthropic-version, so a gateway that does
// not translate fails the pre-flight instead of being measured.
function handleMessages(req, res) {
  readBody(req, (body) => {
    if (!req.headers['x-api-key'] || !req.headers['anthropic-version']) {
      return sendJson(res, 401, ANTHROPIC_AUTH_ERROR);
    }
    if (STREAM_FLAG.test(body)) writeEvents(res, ANTHROPIC_STREAM_TURNS);
    else sendJson(res, 200, ANTHROPIC_MESSAGE);
  });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  if (req.method === 'POST' && path.endsWith('/chat/completions')) return handleChat(req, res);
  if (req.method === 'POST' && path.endsWith('/v1/messages')) return handleMessages(req, res);
  req.resume();
  if (req.method === 'GET' && path.endsWith('/models')) return sendJson(res, 200, MODELS);
  if (req.method === 'GET' && path.startsWith('/_health/')) {
    return sendJson(res, 200, Buffer.from('{"status":"ok"}'));
  }
  sendJson(
    res,
    404,
    Buffer.from('{"error":{"message":"not found","type":"invalid_request_error"}}'),
  );
});
server.keepAliveTimeout = 65_000;

const portFlag = process.argv.indexOf('--port');
const port = portFlag > 0 ? Number(process.argv[portFlag + 1]) : 0;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
