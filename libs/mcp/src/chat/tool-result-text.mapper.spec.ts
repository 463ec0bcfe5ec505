import { EMPTY_RESULT_TEXT, toolResultText } from './tool-result-text.mapper';

describe(toolResultText.name, () => {
  it('joins the text contents', () => {
    const text = toolResultText({
      content: [
        { type: 'text', text: 'first' },
        { type: 'text', text: 'second' },
      ],
    });
    expect(text).toBe('first\nsecond');
  });

  it('uses structuredContent when no text came with it, and not twice when it did', () => {
    expect(toolResultText({ content: [], structuredContent: { temp: 21 } })).toBe('{"temp":21}');
    expect(
      toolResultText({
        content: [{ type: 'text', text: '{"temp":21}' }],
        structuredContent: { temp: 21 },
      }),
    ).toBe('{"temp":21}');
  });

  it('summarises other content', () => {
    const text = toolResultText({
      content: [
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'file:///a.txt', name: 'a', mimeType: 'text/plain' },
        { type: 'resource', resource: { uri: 'file:///b.txt', text: 'inline body' } },
        {
          type: 'resource',
          resource: { uri: 'file:///c.bin', blob: 'AAAA', mimeType: 'application/octet-stream' },
        },
        { type: 'hologram' },
      ],
    });
    expect(text.split('\n')).toEqual([
      '[image, image/png]',
      '[audio, audio/wav]',
      '[resource file:///a.txt (a), text/plain]',
      'inline body',
      '[resource file:///c.bin, application/octet-stream]',
      '[hologram content]',
    ]);
    expect(text).not.toContain('AAAA');
  });

  it('prefixes a tool error with "Error:"', () => {
    expect(
      toolResultText({ isError: true, content: [{ type: 'text', text: 'no such city' }] }),
    ).toBe('Error: no such city');
    expect(toolResultText({ isError: true, content: [] })).toBe(
      'Error: the tool reported an error',
    );
  });

  it('says so when the tool returned nothing', () => {
    expect(toolResultText({ content: [] })).toBe(EMPTY_RESULT_TEXT);
    expect(toolResultText({})).toBe(EMPTY_RESULT_TEXT);
  });
});
