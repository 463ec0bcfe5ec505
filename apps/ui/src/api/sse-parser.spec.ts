import { readChatEvent } from './chat-stream';
import { GatewayError } from './gateway-error';
import { SseParser } from './sse-parser';

describe(SseParser.name, () => {
  it('yields each event once its blank line arrives, across chunk boundaries', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\ndata: second\n\n')).toEqual(['{"a":1}', 'second']);
  });

  it('joins multi-line data, ignores comments and other fields, and reads CRLF', () => {
    const parser = new SseParser();
    const events = parser.push(
      ': keep-alive\r\nevent: x\r\nid: 3\r\ndata: one\r\ndata:two\r\n\r\n',
    );
    expect(events).toEqual(['one\ntwo']);
  });

  it('flushes an unterminated last event', () => {
    const parser = new SseParser();
    expect(parser.push('data: [DONE]')).toEqual([]);
    expect(parser.flush()).toEqual(['[DONE]']);
    expect(parser.flush()).toEqual([]);
  });
});

describe(readChatEvent.name, () => {
  it('reads content deltas, the finish reason and usage', () => {
    expect(readChatEvent('{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}')).toEqual({
      content: 'Hi',
      done: false,
      finishReason: null,
      usage: null,
    });
    const last = readChatEvent(
      '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":5,"total_tokens":8}}',
    );
    expect(last.usage).toEqual({ prompt_tokens: 3, completion_tokens: 5 });
    expect(readChatEvent('[DONE]').done).toBe(true);
  });

  it("turns the gateway's error event into a GatewayError", () => {
    const data =
      '{"error":{"message":"upstream broke","type":"api_error","code":"upstream_stream_error","status":502},"request_id":"r1"}';
    expect(() => readChatEvent(data)).toThrow(GatewayError);
    try {
      readChatEvent(data);
    } catch (error) {
      expect(error).toMatchObject({ status: 502, code: 'upstream_stream_error', requestId: 'r1' });
    }
  });

  it('skips payloads that are not JSON', () => {
    expect(readChatEvent('not json').content).toBe('');
  });
});
