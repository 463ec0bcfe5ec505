'use strict';
// OpenAI-shaped upstream for benchmarks: fixed answers from precomputed buffers, no real parsing.
//   POST /v1/chat/completions            -> ~660-byte chat.completion JSON
//   POST ... with "stream": true         -> 20 chat.completion.chunk SSE events, then [DONE]
//   GET /v1/models, GET /_health/*       -> 200 (the latter lets a bare proxy stand in for the gateway)
// Usage: node bench/mock-upstream.js [--port N]   (prints {"port":N} on stdout once listening)
// MOCK_STREAM_TICK=one writes the whole stream in one tick instead of one event per setImmediate.
const http = require('node:http');

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
          content:
            'Hello! This is a fixed answer from the RouteIQ benchmark upstream, sized like a ' +
            'short chat completion so that proxies move a realistic number of bytes.',
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
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const events = withUsage
    ? [...STREAM_EVENTS, USAGE_EVENT, DONE_EVENT]
    : [...STREAM_EVENTS, DONE_EVENT];
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

function handleChat(req, res) {
  const parts = [];
  req.on('data', (part) => parts.push(part));
  req.on('end', () => {
    const body =
      parts.length === 1 ? parts[0].toString('latin1') : Buffer.concat(parts).toString('latin1');
    if (STREAM_FLAG.test(body)) sendStream(res, USAGE_FLAG.test(body));
    else sendJson(res, 200, COMPLETION);
  });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  if (req.method === 'POST' && path.endsWith('/chat/completions')) return handleChat(req, res);
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
