import { InMemoryExpiringStore } from '@routeiq/coordination';
import { resolveMcpConfig } from '../mcp.config';
import { MCP_SESSION_NAMESPACE, McpSessionStore } from './mcp-session.store';

describe(McpSessionStore.name, () => {
  function setup() {
    let now = 0;
    const store = new InMemoryExpiringStore(100, () => now);
    const config = resolveMcpConfig({ MCP_SESSION_TTL_SECONDS: '60' });
    return {
      store,
      sessions: new McpSessionStore(store, config),
      advance: (ms: number) => (now += ms),
    };
  }

  it('creates unguessable sessions that only their key and transport find', async () => {
    const { sessions } = setup();
    const one = await sessions.create({ keyId: 'key-a', transport: 'streamable-http' });
    const two = await sessions.create({ keyId: 'key-a', transport: 'streamable-http' });
    expect(one.id).not.toBe(two.id);
    expect(one.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    await expect(sessions.find(one.id, 'key-a', 'streamable-http')).resolves.toEqual(one);
    await expect(sessions.find(one.id, 'key-b', 'streamable-http')).resolves.toBeUndefined();
    await expect(sessions.find(one.id, 'key-a', 'sse')).resolves.toBeUndefined();
    await expect(sessions.find('unknown', 'key-a', 'streamable-http')).resolves.toBeUndefined();
  });

  it('expires idle sessions and keeps used ones alive', async () => {
    const { sessions, advance } = setup();
    const used = await sessions.create({ keyId: 'k', transport: 'sse' });
    const idle = await sessions.create({ keyId: 'k', transport: 'sse' });
    advance(50_000);
    await expect(sessions.find(used.id, 'k', 'sse')).resolves.toBeDefined();
    advance(50_000);
    await expect(sessions.find(used.id, 'k', 'sse')).resolves.toBeDefined();
    await expect(sessions.find(idle.id, 'k', 'sse')).resolves.toBeUndefined();
    await expect(sessions.touch(idle.id)).resolves.toBe(false);
    await expect(sessions.delete(used.id)).resolves.toBe(true);
    await expect(sessions.find(used.id, 'k', 'sse')).resolves.toBeUndefined();
  });

  it('treats a record it cannot read as no session', async () => {
    const { store, sessions } = setup();
    await store.set(MCP_SESSION_NAMESPACE, 'bad', 'not json', 60);
    await store.set(MCP_SESSION_NAMESPACE, 'odd', '{"id":"odd","keyId":"k"}', 60);
    await expect(sessions.find('bad', 'k', 'sse')).resolves.toBeUndefined();
    await expect(sessions.find('odd', 'k', 'sse')).resolves.toBeUndefined();
  });
});
