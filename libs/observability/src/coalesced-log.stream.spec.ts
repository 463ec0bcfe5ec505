import { CoalescedLogStream, type SyncLogSink } from './coalesced-log.stream';

function recordingSink(): SyncLogSink & { writes: string[] } {
  const writes: string[] = [];
  return { writes, write: (data: string) => writes.push(data) };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedLogStream', () => {
  it('writes the lines of one turn together, in order, once the turn ends', async () => {
    const sink = recordingSink();
    const stream = new CoalescedLogStream(sink);
    stream.write('a\n');
    stream.write('b\n');
    stream.write('c\n');
    expect(sink.writes).toEqual([]);
    await nextTurn();
    expect(sink.writes).toEqual(['a\nb\nc\n']);
  });

  it('schedules one flush per turn and a new one for the next turn', async () => {
    const tasks: Array<() => void> = [];
    const sink = recordingSink();
    const stream = new CoalescedLogStream(sink, (task) => tasks.push(task));
    stream.write('1\n');
    stream.write('2\n');
    expect(tasks).toHaveLength(1);
    tasks.shift()!();
    expect(sink.writes).toEqual(['1\n2\n']);
    stream.write('3\n');
    expect(tasks).toHaveLength(1);
    tasks.shift()!();
    expect(sink.writes).toEqual(['1\n2\n', '3\n']);
  });

  it('flushSync writes what is pending at once and leaves nothing for the scheduled flush', async () => {
    const sink = recordingSink();
    const stream = new CoalescedLogStream(sink);
    stream.write('exit line\n');
    stream.flushSync();
    expect(sink.writes).toEqual(['exit line\n']);
    await nextTurn();
    expect(sink.writes).toEqual(['exit line\n']);
  });

  it('does not write when nothing is pending', async () => {
    const sink = recordingSink();
    const stream = new CoalescedLogStream(sink);
    stream.flushSync();
    await nextTurn();
    expect(sink.writes).toEqual([]);
  });

  it('loses only the batch a failing sink refused, never throws from the scheduled flush', async () => {
    let fail = true;
    const writes: string[] = [];
    const tasks: Array<() => void> = [];
    const stream = new CoalescedLogStream(
      {
        write: (data: string) => {
          if (fail) throw new Error('EPIPE');
          writes.push(data);
        },
      },
      (task) => tasks.push(task),
    );
    stream.write('lost\n');
    expect(() => tasks.shift()!()).not.toThrow();
    fail = false;
    stream.write('kept\n');
    tasks.shift()!();
    expect(writes).toEqual(['kept\n']);
  });

  it('lets flushSync report a failing sink to its caller', () => {
    const stream = new CoalescedLogStream(
      {
        write: () => {
          throw new Error('EPIPE');
        },
      },
      () => undefined,
    );
    stream.write('line\n');
    expect(() => stream.flushSync()).toThrow('EPIPE');
  });
});
