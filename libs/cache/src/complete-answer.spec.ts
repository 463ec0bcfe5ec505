import { withoutCacheParams } from './cache-params';
import { isCompleteResult, isCompleteStream } from './complete-answer';

describe('complete answers', () => {
  it('stores only whole, successful unary answers', () => {
    const choice = { index: 0, message: { content: 'x' }, finish_reason: 'stop' };
    expect(isCompleteResult('chat', { choices: [choice] })).toBe(true);
    expect(isCompleteResult('chat', { choices: [] })).toBe(false);
    expect(isCompleteResult('chat', { choices: [{ ...choice, finish_reason: null }] })).toBe(false);
    expect(isCompleteResult('chat', { error: { message: 'x' }, choices: [choice] })).toBe(false);
    expect(isCompleteResult('embedding', { data: [{ embedding: [1] }] })).toBe(true);
    expect(isCompleteResult('embedding', { data: [] })).toBe(false);
    expect(isCompleteResult('messages', { type: 'message', content: [] })).toBe(true);
    expect(isCompleteResult('responses', { status: 'incomplete' })).toBe(false);
  });

  it('stores only streams that reached their end', () => {
    const chunk = (finish: string | null) => ({
      choices: [{ index: 0, delta: {}, finish_reason: finish }],
    });
    expect(isCompleteStream([chunk(null), chunk('stop')])).toBe(true);
    expect(isCompleteStream([chunk(null)])).toBe(false);
    expect(isCompleteStream([{ type: 'message_start' }, { type: 'message_stop' }])).toBe(true);
    expect(isCompleteStream([{ type: 'response.completed' }])).toBe(true);
    expect(isCompleteStream([])).toBe(false);
  });
});

describe(withoutCacheParams.name, () => {
  it('drops the cache controls and keeps the same object when there are none', () => {
    const plain = { model: 'm' };
    expect(withoutCacheParams(plain)).toBe(plain);
    expect(withoutCacheParams({ model: 'm', cache: { ttl: 1 }, caching: true })).toEqual({
      model: 'm',
    });
  });
});
