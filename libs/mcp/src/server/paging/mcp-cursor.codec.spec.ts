import { McpRpcError } from '../json-rpc';
import { cursorSecret, McpCursorCodec } from './mcp-cursor.codec';

const scope = { keyId: 'key-a', method: 'tools/list' };
const position = ['alpha', 'echo'];

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('the cursor was accepted');
}

describe(McpCursorCodec.name, () => {
  const codec = new McpCursorCodec(() => 'secret-one');

  it('opens what it sealed for the same key and method, and hides the position', () => {
    const cursor = codec.seal(position, scope);
    expect(cursor).toMatch(/^mc1\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('echo');
    expect(codec.open(cursor, scope)).toEqual(position);
    expect(codec.seal(position, scope)).not.toBe(cursor);
  });

  it.each([
    ['another key', { ...scope, keyId: 'key-b' }],
    ['another list method', { ...scope, method: 'prompts/list' }],
  ])('refuses a cursor used by %s with -32602', (_, other) => {
    const cursor = codec.seal(position, scope);
    const error = refusal(() => codec.open(cursor, other));
    expect(error).toBeInstanceOf(McpRpcError);
    expect(error).toMatchObject({ code: -32602, message: expect.stringMatching(/Invalid cursor/) });
  });

  it('refuses altered, forged, foreign and oversized cursors with -32602', () => {
    const cursor = codec.seal(position, scope);
    const at = Math.floor(cursor.length / 2);
    const altered = cursor.slice(0, at) + (cursor[at] === 'A' ? 'B' : 'A') + cursor.slice(at + 1);
    const forged = 'mc1.' + Buffer.from(JSON.stringify(position)).toString('base64url');
    const bad = [
      altered,
      forged,
      '',
      'not-a-cursor',
      'mc1.',
      new McpCursorCodec(() => 'secret-two').seal(position, scope),
      'mc1.' + 'A'.repeat(9_000),
    ];
    for (const candidate of bad) {
      expect(refusal(() => codec.open(candidate, scope))).toMatchObject({ code: -32602 });
    }
  });

  it('seals under the configured secret, else a per-process one', () => {
    expect(cursorSecret('configured', '/nonexistent')).toBe('configured');
    expect(cursorSecret(undefined, '/nonexistent/data')).toMatch(/^[0-9a-f]{64}$/);
  });
});
