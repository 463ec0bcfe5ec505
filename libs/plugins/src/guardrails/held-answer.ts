import { chunkTexts, isEmptyTextChunk, withChunkTexts } from './guardrail-chunks';
import { redactResponsesTexts } from './responses-events';
import { chunkToolArguments, eachWholeToolArguments } from './tool-call-chunks';

type Json = Record<string, unknown>;

/** The whole text of one choice (content block, text part) of a held answer. */
export interface HeldText {
  readonly index: number;
  readonly text: string;
}

/**
 * A streamed answer held back whole, for a guardrail that judges the complete text: the chunks in
 * the order they came, their text per choice (chat, completion), content block (Messages) or
 * text part (Responses), and their tool-call arguments. Each chunk is read once, as it is held.
 */
export class HeldAnswer {
  private readonly held: object[] = [];
  private readonly parts = new Map<number, string[]>();
  private readonly fragments = new Map<string, string[]>();
  private readonly wholeArguments = new Set<string>();
  private heldBytes = 0;
  private assembled?: readonly HeldText[];

  /**
   * Holds `chunk`; returns the UTF-8 bytes of text and tool-call arguments held so far (what a
   * guardrail would send to be judged, the whole arguments some events repeat included).
   */
  hold(chunk: object): number {
    this.held.push(chunk);
    this.assembled = undefined;
    for (const { index, text } of chunkTexts(chunk) ?? []) {
      if (text !== '') this.add(this.parts, index, text);
    }
    const args = chunkToolArguments(chunk, false);
    if (args === undefined) return this.heldBytes;
    for (const { key, text } of args.fragments) this.add(this.fragments, key, text);
    if (args.whole) {
      eachWholeToolArguments(chunk, (text) => {
        this.heldBytes += Buffer.byteLength(text);
        this.wholeArguments.add(text);
      });
    }
    return this.heldBytes;
  }

  /** The chunks as they came. */
  get chunks(): readonly object[] {
    return this.held;
  }

  /** Each choice's text, in index order; choices that carried no text are left out. */
  texts(): readonly HeldText[] {
    this.assembled ??= [...this.parts]
      .sort(([a], [b]) => a - b)
      .map(([index, list]) => ({ index, text: list.join('') }));
    return this.assembled;
  }

  /**
   * Each tool call's whole arguments, in the order the calls began; arguments an event repeats
   * whole (a Responses `done`, a Messages `tool_use` start) only when they differ from every
   * call's assembled fragments.
   */
  toolArguments(): string[] {
    const assembled = [...this.fragments.values()].map((list) => list.join(''));
    const seen = new Set(assembled);
    return [...assembled, ...[...this.wholeArguments].filter((text) => !seen.has(text))];
  }

  private add<K>(parts: Map<K, string[]>, key: K, text: string): void {
    this.heldBytes += Buffer.byteLength(text);
    const list = parts.get(key);
    if (list === undefined) parts.set(key, [text]);
    else list.push(text);
  }

  /**
   * The chunks with each choice's text replaced by `replacements` (by index): the whole new text
   * goes into the choice's first chunk that carried text, its later text deltas are emptied (and
   * left out when nothing else is in them). Role, tool-call, finish and usage chunks stay as they
   * came; the whole texts Responses events repeat (`done`, `response.completed`) are replaced too.
   */
  redacted(replacements: ReadonlyMap<number, string>): object[] {
    const whole = new Map<string, string>();
    for (const { index, text } of this.texts()) whole.set(text, replacements.get(index) ?? text);
    const redactWhole = (text: string): string => whole.get(text) ?? text;
    const placed = new Set<number>();
    const out: object[] = [];
    for (const chunk of this.held) {
      const texts = new Map<number, string>();
      for (const { index, text } of chunkTexts(chunk) ?? []) {
        const replacement = replacements.get(index);
        if (text === '' || replacement === undefined) continue;
        texts.set(index, placed.has(index) ? '' : replacement);
        placed.add(index);
      }
      const rewritten = texts.size === 0 ? chunk : withChunkTexts(chunk, texts);
      if (rewritten !== chunk && isEmptyTextChunk(rewritten)) continue;
      out.push(redactResponsesTexts(rewritten as Json, redactWhole));
    }
    return out;
  }
}
