import type { BusMessage } from './coordination.bus';
import { InMemoryCoordinationBus, InMemoryCoordinationHealth } from './in-memory-coordination';

describe(InMemoryCoordinationBus.name, () => {
  it('delivers its own messages asynchronously, with origin, as a JSON copy', async () => {
    const bus = new InMemoryCoordinationBus();
    const seen: BusMessage[] = [];
    bus.subscribe('config.reloaded', (m) => seen.push(m));
    const payload = { generation: 2, at: new Date('2025-01-01T00:00:00Z') };

    await bus.publish('config.reloaded', payload);
    expect(seen).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));

    expect(seen).toEqual([
      {
        topic: 'config.reloaded',
        origin: bus.instanceId,
        payload: { generation: 2, at: '2025-01-01T00:00:00.000Z' },
        sentAt: expect.any(Number),
      },
    ]);
  });

  it('stops delivery after unsubscribe and survives a throwing handler', async () => {
    const bus = new InMemoryCoordinationBus();
    const seen: string[] = [];
    bus.subscribe('t', () => {
      throw new Error('handler bug');
    });
    const stop = bus.subscribe('t', () => seen.push('t'));
    bus.subscribe('other', () => seen.push('other'));

    await bus.publish('t', {});
    await new Promise((resolve) => setImmediate(resolve));
    stop();
    await bus.publish('t', {});
    await bus.publish('other', {});
    await new Promise((resolve) => setImmediate(resolve));

    expect(seen).toEqual(['t', 'other']);
  });
});

describe(InMemoryCoordinationHealth.name, () => {
  it('is disabled and always answers', async () => {
    const health = new InMemoryCoordinationHealth();
    expect(health.enabled).toBe(false);
    await expect(health.ping(10)).resolves.toBeUndefined();
  });
});
