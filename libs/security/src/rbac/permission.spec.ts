import { grants, isPermission } from './permission';

describe('permission', () => {
  it.each(['*', 'mcp.*', 'mcp.tool.*', 'mcp.tool.call', 'system.config.reload', 'a2a.*'])(
    'accepts %s',
    (value) => expect(isPermission(value)).toBe(true),
  );

  it.each(['', 'mcp', 'mcp.', 'mcp.tool.call.extra', 'foo.*', 'system.*.reload', '**', 'MCP.*'])(
    'rejects %s',
    (value) => expect(isPermission(value)).toBe(false),
  );

  it('grants exact, star and namespace wildcards only', () => {
    expect(grants(['mcp.tool.call'], 'mcp.tool.call')).toBe(true);
    expect(grants(['*'], 'system.config.reload')).toBe(true);
    expect(grants(['mcp.*'], 'mcp.server.write')).toBe(true);
    expect(grants(['mcp.tool.*'], 'mcp.tool.write')).toBe(true);
    expect(grants(['mcp.tool.*'], 'mcp.server.write')).toBe(false);
    expect(grants(['mcp.*'], 'a2a.agent.write')).toBe(false);
    expect(grants([], 'mcp.tool.call')).toBe(false);
    expect(grants(['mcp.tool.call'], 'mcp.tool.callx')).toBe(false);
  });
});
