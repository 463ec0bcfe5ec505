import type { HostedToolset } from '@routeiq/common';
import type { ChatCompletion } from '@routeiq/providers';
import {
  expandResponsesTools,
  hostedResponse,
  mcpCallItems,
  mcpListItems,
} from './responses-mcp.mapper';
import { RecordingToolset } from '../chat/recording-toolset';
import type { ResponsesRequest } from './responses.types';

const ORIGINS: Record<string, { server: string; tool: string }> = {
  alpha__add: { server: 'alpha', tool: 'add' },
  alpha__echo: { server: 'alpha', tool: 'echo' },
  beta__find: { server: 'beta', tool: 'find' },
};

const schema = { type: 'object', properties: {} };

function toolset(outputs: Record<string, string> = {}): HostedToolset {
  return {
    definitions: Object.keys(ORIGINS).map((name) => ({
      type: 'function' as const,
      function:
        name === 'beta__find'
          ? { name, parameters: schema }
          : { name, description: `does ${name}`, parameters: schema },
    })),
    executable: true,
    maxTurns: 3,
    owns: (name) => name in ORIGINS,
    originOf: (name) => ORIGINS[name],
    execute: (name) => Promise.resolve(outputs[name] ?? 'ok'),
  };
}

const answer: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'done' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 },
};

describe('responses MCP mapping', () => {
  it('lists one mcp_list_tools item per server, tools under their own names', () => {
    const items = mcpListItems(toolset());
    expect(items.map((item) => item.server_label)).toEqual(['alpha', 'beta']);
    expect(items[0]).toMatchObject({
      type: 'mcp_list_tools',
      id: expect.stringMatching(/^mcpl_/),
      error: null,
      tools: [
        { name: 'add', description: 'does alpha__add', input_schema: schema },
        { name: 'echo', description: 'does alpha__echo', input_schema: schema },
      ],
    });
    expect(items[1]!.tools).toEqual([{ name: 'find', description: null, input_schema: schema }]);
  });

  it('records each call as an mcp_call item in the order the calls started', async () => {
    const recorded = new RecordingToolset(toolset({ beta__find: 'Error: no such page' }));
    const signal = new AbortController().signal;
    const outputs = await Promise.all([
      recorded.execute('alpha__add', '{"a":1}', signal),
      recorded.execute('beta__find', '{}', signal),
    ]);
    expect(outputs).toEqual(['ok', 'Error: no such page']);
    expect(mcpCallItems(recorded.calls)).toEqual([
      expect.objectContaining({
        type: 'mcp_call',
        server_label: 'alpha',
        name: 'add',
        arguments: '{"a":1}',
        output: 'ok',
        error: null,
        status: 'completed',
      }),
      expect.objectContaining({
        server_label: 'beta',
        name: 'find',
        output: null,
        error: 'no such page',
        status: 'failed',
      }),
    ]);
  });

  it('puts the listings and the calls before the answer, without echoing MCP headers', async () => {
    const recorded = new RecordingToolset(toolset());
    await recorded.execute('alpha__add', '{}', new AbortController().signal);
    const source = {
      model: 'm',
      input: 'hi',
      tools: [{ type: 'mcp', server_label: 'alpha', headers: { authorization: 'Bearer x' } }],
    } as ResponsesRequest;
    const response = hostedResponse(answer, source, recorded);
    expect(response.output.map((item) => item.type)).toEqual([
      'mcp_list_tools',
      'mcp_list_tools',
      'mcp_call',
      'message',
    ]);
    expect(response.tools).toEqual([{ type: 'mcp', server_label: 'alpha' }]);
    expect(response.usage).toMatchObject({ input_tokens: 30, output_tokens: 9, total_tokens: 39 });
  });

  it("puts each tool turn's text as a message item before that turn's calls", async () => {
    const recorded = new RecordingToolset(toolset());
    recorded.noteTurnText('Let me add.');
    await recorded.execute('alpha__add', '{}', new AbortController().signal);
    const response = hostedResponse(answer, { model: 'm', input: 'hi' }, recorded);
    expect(response.output.map((item) => item.type)).toEqual([
      'mcp_list_tools',
      'mcp_list_tools',
      'message',
      'mcp_call',
      'message',
    ]);
    expect(response.output[2]).toMatchObject({
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text: 'Let me add.', annotations: [] }],
    });
  });

  it('offers the MCP tools as Responses function tools where the MCP entry was', () => {
    const own = { type: 'function' as const, name: 'mine', parameters: schema };
    const tools = expandResponsesTools([own, { type: 'mcp', server_label: 'alpha' }], toolset());
    expect(tools.map((tool) => (tool as { name: string }).name)).toEqual([
      'mine',
      'alpha__add',
      'alpha__echo',
      'beta__find',
    ]);
    expect(tools[1]).toEqual({
      type: 'function',
      name: 'alpha__add',
      description: 'does alpha__add',
      parameters: schema,
    });
  });

  it('refuses a client function named like one of the gateway’s tools', () => {
    const clash = { type: 'function' as const, name: 'alpha__add' };
    expect(() => expandResponsesTools([{ type: 'mcp' }, clash], toolset())).toThrow(
      expect.objectContaining({ param: 'tools[1].name' }),
    );
  });
});
