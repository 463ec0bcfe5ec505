import type { HostedToolset } from '@routeiq/common';
import { RecordingToolset } from './recording-toolset';

function inner(results: Record<string, () => Promise<string>>): HostedToolset {
  return {
    definitions: [],
    executable: true,
    maxTurns: 3,
    owns: (name) => name in results,
    originOf: (name) => (name === 'a__add' ? { server: 'a', tool: 'add' } : undefined),
    execute: (name) => results[name]!(),
  };
}

describe(RecordingToolset.name, () => {
  it('records calls in the order they start, with their results or failures', async () => {
    let release: (text: string) => void = () => undefined;
    const slow = new Promise<string>((resolve) => (release = resolve));
    const set = new RecordingToolset(
      inner({ a__add: () => slow, other: () => Promise.resolve('Error: down') }),
    );
    const signal = new AbortController().signal;
    const first = set.execute('a__add', '{"a":1}', signal);
    await expect(set.execute('other', '{}', signal)).resolves.toBe('Error: down');
    release('2');
    await expect(first).resolves.toBe('2');
    expect(set.calls).toEqual([
      { origin: { server: 'a', tool: 'add' }, argumentsJson: '{"a":1}', text: '2', failed: false },
      { origin: { server: '', tool: 'other' }, argumentsJson: '{}', text: 'down', failed: true },
    ]);
    expect([set.executable, set.maxTurns, set.owns('other')]).toEqual([true, 3, true]);
  });

  it('keeps turn texts and calls in the order they happened', async () => {
    const set = new RecordingToolset(inner({ a__add: () => Promise.resolve('2') }));
    set.noteTurnText('Adding.');
    await set.execute('a__add', '{}', new AbortController().signal);
    set.noteTurnText('Again.');
    expect(set.items).toEqual([
      { text: 'Adding.' },
      { origin: { server: 'a', tool: 'add' }, argumentsJson: '{}', text: '2', failed: false },
      { text: 'Again.' },
    ]);
    expect(set.calls).toHaveLength(1);
  });
});
