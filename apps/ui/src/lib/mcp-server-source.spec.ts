import { mcpServerSource } from './mcp-server-source';

describe(mcpServerSource.name, () => {
  it('marks a server from the config file as managed by it', () => {
    expect(mcpServerSource({ source: 'config' })).toEqual({
      label: 'config file',
      managedByConfig: true,
    });
  });

  it('leaves a server registered through the API removable', () => {
    expect(mcpServerSource({ source: 'api' })).toEqual({ label: 'API', managedByConfig: false });
  });
});
