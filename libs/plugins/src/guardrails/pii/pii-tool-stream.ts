import {
  chunkToolArguments,
  withWholeToolArguments,
  type ToolArgumentFragment,
  type ToolArguments,
} from '../tool-call-chunks';
import { toolArgumentsChunk, withoutToolArguments } from '../tool-call-fragments';
import { redactJsonText } from './pii-arguments';
import type { PiiDetector } from './pii.detector';
import type { PiiEntity } from './pii.patterns';

type Held = Omit<ToolArguments, 'text'> & { text: string };

/**
 * The tool-call arguments of one streamed answer through the PII guardrail. Their fragments are
 * held back whole until their call ends (the chat choice finishes, the Messages block stops, the
 * Responses `function_call_arguments.done`) or the stream does, then written redacted as one
 * fragment, so an entity split across fragments is found and the JSON stays valid. The chunks
 * that carried them still go out with the tool call's id, type and name. `rewrite` false only
 * looks (warn, log); `found` may throw (block) before anything is written.
 */
export class PiiToolStream {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly detector: PiiDetector,
    private readonly rewrite: boolean,
    private readonly found: (entities: readonly PiiEntity[]) => void,
  ) {}

  /** What to write instead of `chunk`; undefined when it goes out as it came. */
  chunk(chunk: object): readonly object[] | undefined {
    const args = chunkToolArguments(chunk, this.held.size > 0);
    if (args === undefined) return undefined;
    for (const fragment of args.fragments) this.hold(fragment, chunk);
    const released = new Map<string, ToolArguments>();
    for (const group of args.ends) this.release(group, released);
    if (!this.rewrite) return undefined;
    const whole = args.whole ? withWholeToolArguments(chunk, (text) => this.redact(text)) : chunk;
    const rest =
      args.fragments.length > 0 || released.size > 0
        ? withoutToolArguments(whole, released)
        : whole;
    // Released arguments the chunk did not take go just before it: before the finish or stop.
    const before = this.chunks(released);
    if (before.length === 0 && rest === chunk) return undefined;
    return rest === undefined ? before : [...before, rest];
  }

  /** The stream ended: the arguments still held, redacted, as chunks of their own. */
  end(): readonly object[] {
    const released = new Map<string, ToolArguments>();
    for (const held of [...this.held.values()]) this.release(held.group, released);
    return this.rewrite ? this.chunks(released) : [];
  }

  private hold(fragment: ToolArgumentFragment, chunk: object): void {
    const held = this.held.get(fragment.key);
    if (held === undefined) this.held.set(fragment.key, { ...fragment, template: chunk });
    else held.text += fragment.text;
  }

  private release(group: number, into: Map<string, ToolArguments>): void {
    for (const [key, held] of this.held) {
      if (held.group !== group) continue;
      this.held.delete(key);
      into.set(key, { ...held, text: this.redact(held.text) });
    }
  }

  private chunks(released: ReadonlyMap<string, ToolArguments>): object[] {
    const groups = new Map<number, ToolArguments[]>();
    for (const call of released.values()) {
      const calls = groups.get(call.group);
      if (calls === undefined) groups.set(call.group, [call]);
      else calls.push(call);
    }
    return [...groups].map(([group, calls]) =>
      toolArgumentsChunk(calls[0]!.template, group, calls),
    );
  }

  private redact(text: string): string {
    const redacted = redactJsonText(this.detector, text);
    this.found(redacted.entities);
    return redacted.text;
  }
}
