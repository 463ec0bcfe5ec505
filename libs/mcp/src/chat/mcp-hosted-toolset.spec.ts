import { GatewayException } from '@routeiq/common';
import { OutboundException, SsrfBlockReason } from '@routeiq/security';
import { McpException } from '../mcp.exception';
import { McpHostedToolset } from './mcp-hosted-toolset';

const signal = new AbortController().signal;

function toolset(answer: () => Promise<Record<string, unknown>>) {
  const calls: Array<{ name: string; args: unknown }> = [];
  const set = new McpHostedToolset(
    [],
    true,
    5,
    new Map([['github__search', 'github.search']]),
    (name, args) => {
      calls.push({ name, args });
      return answer();
    },
  );
  return { set, calls };
}

const ok = () => Promise.resolve({ content: [{ type: 'text', text: 'found 3' }] });

describe(McpHostedToolset.name, () => {
  it('names the server and the server’s own tool of a function name', () => {
    const { set } = toolset(ok);
    expect(set.originOf('github__search')).toEqual({ server: 'github', tool: 'search' });
    expect(set.originOf('nope')).toBeUndefined();
  });

  it('maps the function name back and returns the result as text', async () => {
    const { set, calls } = toolset(ok);
    expect(set.owns('github__search')).toBe(true);
    expect(set.owns('github.search')).toBe(false);
    expect(set.qualifiedNameOf('github__search')).toBe('github.search');
    await expect(set.execute('github__search', ' {"q":"bug"} ', signal)).resolves.toBe('found 3');
    expect(calls).toEqual([{ name: 'github.search', args: { q: 'bug' } }]);
  });

  it('tells the model about bad arguments without calling the tool', async () => {
    const { set, calls } = toolset(ok);
    await expect(set.execute('github__search', '{"q":', signal)).resolves.toBe(
      'Error: the arguments are not valid JSON (tool github.search)',
    );
    await expect(set.execute('github__search', '[1]', signal)).resolves.toBe(
      'Error: the arguments must be a JSON object (tool github.search)',
    );
    await expect(set.execute('nope', '{}', signal)).resolves.toBe(
      'Error: there is no tool named nope',
    );
    expect(calls).toHaveLength(0);
  });

  it('turns the tool’s own failures into text for the model', async () => {
    const failures: Array<[Error, string]> = [
      [
        McpException.invalidToolArguments('github.search', ['/q: must be string']),
        'Error: Invalid arguments for tool "github.search": /q: must be string',
      ],
      [
        McpException.upstreamError('github', 'connection closed'),
        'Error: MCP server "github" failed: connection closed',
      ],
      [
        McpException.upstreamTimeout('github', 500),
        'Error: MCP server "github" did not answer within 500 ms',
      ],
      [McpException.toolNotFound('github.search'), 'Error: MCP tool "github.search" not found'],
      [
        OutboundException.blocked(SsrfBlockReason.Loopback, 'http://127.0.0.1/mcp is loopback'),
        'Error: the MCP server of tool "github.search" could not be reached',
      ],
    ];
    for (const [error, text] of failures) {
      const { set } = toolset(() => Promise.reject(error));
      await expect(set.execute('github__search', '{}', signal)).resolves.toBe(text);
    }
    const { set } = toolset(() =>
      Promise.resolve({ isError: true, content: [{ type: 'text', text: 'rate limited' }] }),
    );
    await expect(set.execute('github__search', '{}', signal)).resolves.toBe('Error: rate limited');
  });

  it('throws caller problems on: access denied, quota, invocation disabled', async () => {
    const problems = [
      McpException.accessDenied('tool "github.search"'),
      McpException.toolInvocationDisabled(),
      new GatewayException({ status: 429, code: 'rate_limited', message: 'slow down' }),
      new Error('bug'),
    ];
    for (const problem of problems) {
      const { set } = toolset(() => Promise.reject(problem));
      await expect(set.execute('github__search', '{}', signal)).rejects.toBe(problem);
    }
  });

  it('throws on once the client has gone, even for a tool failure', async () => {
    const controller = new AbortController();
    controller.abort();
    const failure = McpException.upstreamError('github', 'aborted');
    const { set } = toolset(() => Promise.reject(failure));
    await expect(set.execute('github__search', '{}', controller.signal)).rejects.toBe(failure);
  });
});
