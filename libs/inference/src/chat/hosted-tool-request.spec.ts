import type { HostedToolset } from '@routeiq/common';
import { expandTools, hasHostedTools, turnRequest, withTools } from './hosted-tool-request';

const definition = {
  type: 'function' as const,
  function: { name: 'github__search', parameters: { type: 'object', properties: {} } },
};

const toolset: HostedToolset = {
  definitions: [definition],
  executable: true,
  maxTurns: 5,
  owns: (name) => name === 'github__search',
  execute: () => Promise.resolve(''),
};

describe(hasHostedTools.name, () => {
  it('finds an MCP entry among the tools and nothing else', () => {
    expect(hasHostedTools({ tools: [{ type: 'function' }, { type: 'mcp' }] })).toBe(true);
    expect(hasHostedTools({ tools: [{ type: 'function' }, null] })).toBe(false);
    expect(hasHostedTools({ messages: [] })).toBe(false);
    expect(hasHostedTools({ tools: 'mcp' })).toBe(false);
    expect(hasHostedTools(null)).toBe(false);
    expect(hasHostedTools('text')).toBe(false);
  });
});

describe(expandTools.name, () => {
  it('puts the definitions where the first MCP entry was and drops the other entries', () => {
    const client = { type: 'function', function: { name: 'mine' } };
    const tools = [client, { type: 'mcp', server_label: 'a' }, { type: 'mcp', server_label: 'b' }];
    expect(expandTools(tools, toolset)).toEqual([client, definition]);
  });

  it('refuses a client function named like one of the gateway’s', () => {
    const tools = [{ type: 'mcp' }, { type: 'function', function: { name: 'github__search' } }];
    expect(() => expandTools(tools, toolset)).toThrow(
      expect.objectContaining({ status: 400, param: 'tools[1].function.name' }),
    );
  });
});

describe(withTools.name, () => {
  it('sets the tools, or drops every tool field when none is left', () => {
    expect(withTools({ model: 'm', tools: [1] }, [2])).toEqual({ model: 'm', tools: [2] });
    expect(
      withTools({ model: 'm', tools: [1], tool_choice: 'auto', parallel_tool_calls: true }, []),
    ).toEqual({ model: 'm' });
  });
});

describe(turnRequest.name, () => {
  it('takes streaming out', () => {
    const turn = turnRequest({
      model: 'm',
      messages: [],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(turn).toEqual({ model: 'm', messages: [] });
  });
});
