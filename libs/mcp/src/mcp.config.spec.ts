import { resolveMcpConfig } from './mcp.config';

describe('resolveMcpConfig', () => {
  it('pages MCP listings 100 items at a time unless MCP_LIST_PAGE_SIZE says otherwise', () => {
    expect(resolveMcpConfig({}).listPageSize).toBe(100);
    expect(resolveMcpConfig({ MCP_LIST_PAGE_SIZE: ' 2 ' }).listPageSize).toBe(2);
    expect(resolveMcpConfig({ MCP_LIST_PAGE_SIZE: '1000' }).listPageSize).toBe(1000);
  });

  it.each(['0', '1001', '-5', 'ten', '2.5'])(
    'refuses MCP_LIST_PAGE_SIZE=%s, naming it',
    (value) => {
      expect(() => resolveMcpConfig({ MCP_LIST_PAGE_SIZE: value })).toThrow(/MCP_LIST_PAGE_SIZE/);
    },
  );
});
