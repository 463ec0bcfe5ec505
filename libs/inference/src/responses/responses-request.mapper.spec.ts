import { parseResponsesRequest } from './responses-request.dto';
import { toChatCompletionRequest } from './responses-request.mapper';

describe('toChatCompletionRequest', () => {
  it('keeps MCP entries for the hosted tool path and translates function tools', () => {
    const source = parseResponsesRequest({
      model: 'm',
      input: 'hi',
      tools: [
        { type: 'mcp', server_label: 'alpha', require_approval: 'never' },
        { type: 'function', name: 'mine' },
      ],
    });
    expect(toChatCompletionRequest(source).tools).toEqual([
      { type: 'mcp', server_label: 'alpha', require_approval: 'never' },
      { type: 'function', function: { name: 'mine' } },
    ]);
  });

  it('still refuses other hosted tools', () => {
    expect(() =>
      parseResponsesRequest({ model: 'm', input: 'hi', tools: [{ type: 'web_search' }] }),
    ).toThrow(expect.objectContaining({ code: 'unsupported_tool', param: 'tools[0]' }));
  });

  it('drops mcp_list_tools and mcp_call input items (the gateway ran those calls)', () => {
    const source = parseResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'add 2+3' },
        { type: 'mcp_list_tools', id: 'mcpl_1', server_label: 'alpha', tools: [] },
        {
          type: 'mcp_call',
          id: 'mcp_1',
          server_label: 'alpha',
          name: 'add',
          arguments: '{}',
          output: '5',
        },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: '5' }] },
        { role: 'user', content: 'sure?' },
      ],
    });
    expect(toChatCompletionRequest(source).messages).toEqual([
      { role: 'user', content: 'add 2+3' },
      { role: 'assistant', content: '5' },
      { role: 'user', content: 'sure?' },
    ]);
  });

  it('still refuses MCP approval items, which the gateway never asks for', () => {
    const source = parseResponsesRequest({
      model: 'm',
      input: [{ type: 'mcp_approval_response', approve: true, approval_request_id: 'x' }],
    });
    expect(() => toChatCompletionRequest(source)).toThrow(
      expect.objectContaining({ param: 'input[0]' }),
    );
  });
});
