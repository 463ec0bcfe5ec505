import { CommonException, GatewayException } from '@routeiq/common';
import type { ChatCompletion } from '@routeiq/providers';
import type { AnthropicMcpServer } from './anthropic-messages.types';
import { parseMessagesRequest } from './messages-request.dto';
import { toChatCompletionRequest } from './messages-request.mapper';
import {
  hasMcpServers,
  hostedMessage,
  inMcpServerTerms,
  mcpToolEntries,
  serverNames,
} from './messages-mcp.mapper';

const server = (
  url: string,
  name: string,
  extra: Partial<AnthropicMcpServer> = {},
): AnthropicMcpServer => ({ type: 'url', url, name, ...extra });

const answer = (content: string): ChatCompletion => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 },
});

describe('messages MCP mapping', () => {
  it('maps enabled servers to never-approved mcp entries, dropping the token', () => {
    const { entries, positions } = mcpToolEntries([
      server('https://gw/mcp/alpha', 'a', {
        authorization_token: 'secret',
        tool_configuration: { allowed_tools: ['add'] },
      }),
      server('https://gw/mcp/beta', 'b', { tool_configuration: { enabled: false } }),
      server('routeiq', 'all'),
    ]);
    expect(entries).toEqual([
      {
        type: 'mcp',
        server_url: 'https://gw/mcp/alpha',
        server_label: 'a',
        require_approval: 'never',
        allowed_tools: ['add'],
      },
      { type: 'mcp', server_url: 'routeiq', server_label: 'all', require_approval: 'never' },
    ]);
    expect(positions).toEqual([0, 2]);
    expect(hasMcpServers({ mcp_servers: [] })).toBe(false);
    expect(hasMcpServers({ mcp_servers: [{}] })).toBe(true);
  });

  it('names servers by the client’s name when the url names them outright', () => {
    const names = serverNames([
      server('https://gw/mcp/alpha%20x/', 'first'),
      server('http://other/mcp/alpha%20x', 'second'),
      server('litellm_proxy', 'everything'),
    ]);
    expect([...names]).toEqual([['alpha x', 'first']]);
  });

  it('tells resolver errors about tools[k] in mcp_servers terms', () => {
    const original = new GatewayException({
      status: 400,
      code: 'mcp_tool_not_found',
      message: '"tools[1].allowed_tools" names unknown tools of MCP server "a": "x"',
      param: 'tools[1].allowed_tools',
    });
    const renamed = inMcpServerTerms(original, [0, 3]) as GatewayException;
    expect(renamed).toMatchObject({
      status: 400,
      code: 'mcp_tool_not_found',
      param: 'mcp_servers.3.tool_configuration.allowed_tools',
      message:
        '"mcp_servers.3.tool_configuration.allowed_tools" names unknown tools of MCP server "a": "x"',
    });
    const url = new GatewayException({
      status: 400,
      code: 'c',
      message: 'm',
      param: 'tools[0].server_url',
    });
    expect((inMcpServerTerms(url, [2]) as GatewayException).param).toBe('mcp_servers.2.url');
    const other = CommonException.invalidRequest('x', 'model');
    expect(inMcpServerTerms(other, [0])).toBe(other);
  });

  it('puts a use and a result block per call before the answer', () => {
    const message = hostedMessage(
      answer('Five.'),
      'm',
      [
        {
          origin: { server: 'alpha', tool: 'add' },
          argumentsJson: '{"a":2}',
          text: '5',
          failed: false,
        },
        { origin: { server: 'beta', tool: 'fail' }, argumentsJson: '', text: 'boom', failed: true },
      ],
      new Map([['alpha', 'calc']]),
    );
    const [use1, result1, use2, result2, text] = message.content;
    expect(use1).toEqual({
      type: 'mcp_tool_use',
      id: expect.stringMatching(/^mcptoolu_/),
      name: 'add',
      server_name: 'calc',
      input: { a: 2 },
    });
    expect(result1).toEqual({
      type: 'mcp_tool_result',
      tool_use_id: use1!.id,
      is_error: false,
      content: [{ type: 'text', text: '5' }],
    });
    expect(use2).toMatchObject({ server_name: 'beta', name: 'fail', input: {} });
    expect(result2).toMatchObject({ is_error: true, content: [{ type: 'text', text: 'boom' }] });
    expect(text).toEqual({ type: 'text', text: 'Five.' });
    expect(message.usage).toEqual({ input_tokens: 30, output_tokens: 9 });
    expect(message.stop_reason).toBe('end_turn');
  });

  it("keeps the text of each tool turn before that turn's calls", () => {
    const call = { origin: { server: 'alpha', tool: 'add' }, argumentsJson: '{}', text: '5' };
    const message = hostedMessage(
      answer('Five.'),
      'm',
      [{ text: 'Let me add.' }, call, { text: 'And again.' }, call],
      new Map(),
    );
    expect(message.content.map((block) => block.type)).toEqual([
      'text',
      'mcp_tool_use',
      'mcp_tool_result',
      'text',
      'mcp_tool_use',
      'mcp_tool_result',
      'text',
    ]);
    expect(message.content[0]).toEqual({ type: 'text', text: 'Let me add.' });
    expect(message.content[3]).toEqual({ type: 'text', text: 'And again.' });
    expect(message.content[6]).toEqual({ type: 'text', text: 'Five.' });
  });
});

describe('mcp_servers in a Messages request', () => {
  const parse = (body: object) =>
    parseMessagesRequest({
      model: 'm',
      max_tokens: 9,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    });

  it('refuses malformed entries naming the field', () => {
    const refused = (mcp_servers: unknown, param: string) =>
      expect(() => parse({ mcp_servers })).toThrow(expect.objectContaining({ param }));
    refused({}, 'mcp_servers');
    refused([{ type: 'sse', url: 'u', name: 'n' }], 'mcp_servers.0.type');
    refused([{ type: 'url', name: 'n' }], 'mcp_servers.0.url');
    refused([{ type: 'url', url: 'u', name: ' ' }], 'mcp_servers.0.name');
    refused(
      [
        { type: 'url', url: 'u', name: 'n' },
        { type: 'url', url: 'v', name: 'n' },
      ],
      'mcp_servers.1.name',
    );
    refused(
      [{ type: 'url', url: 'u', name: 'n', tool_configuration: { allowed_tools: [1] } }],
      'mcp_servers.0.tool_configuration.allowed_tools',
    );
    refused(
      [{ type: 'url', url: 'u', name: 'n', tool_configuration: { enabled: 'yes' } }],
      'mcp_servers.0.tool_configuration.enabled',
    );
  });

  it('skips mcp blocks sent back in the history', () => {
    const chat = toChatCompletionRequest(
      parse({
        messages: [
          { role: 'user', content: 'add 2+3' },
          {
            role: 'assistant',
            content: [
              { type: 'mcp_tool_use', id: 'mcptoolu_1', name: 'add', server_name: 'a', input: {} },
              {
                type: 'mcp_tool_result',
                tool_use_id: 'mcptoolu_1',
                is_error: false,
                content: [{ type: 'text', text: '5' }],
              },
              { type: 'text', text: '2 + 3 = 5' },
            ],
          },
          { role: 'user', content: 'sure?' },
        ],
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'user', content: 'add 2+3' },
      { role: 'assistant', content: '2 + 3 = 5' },
      { role: 'user', content: 'sure?' },
    ]);
    expect(chat.tools).toBeUndefined();
  });
});
