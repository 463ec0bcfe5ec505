import { spanName } from './span-names';

describe('spanName', () => {
  it('joins the pair with a space', () => {
    expect(spanName('chat', 'gpt-4o')).toBe('chat gpt-4o');
    expect(spanName('POST', '/v1/chat/completions')).toBe('POST /v1/chat/completions');
    expect(spanName('route', '')).toBe('route ');
  });

  it('tells pairs apart that join to the same text', () => {
    expect(spanName('a b', 'c')).toBe('a b c');
    expect(spanName('a', 'b c')).toBe('a b c');
    expect(spanName('chat', 'gpt-4o')).not.toBe(spanName('chat', 'gpt-4o-mini'));
  });

  it('keeps joining past the number of pairs it keeps', () => {
    for (let i = 0; i < 5000; i++) expect(spanName('route', `group-${i}`)).toBe(`route group-${i}`);
  });
});
