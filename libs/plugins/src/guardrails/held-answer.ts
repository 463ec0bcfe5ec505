import { chunkTexts, isEmptyTextChunk, withChunkTexts } from './guardrail-chunks';
import { redactResponsesTexts } from './responses-events';

type Json = Record<string, unknown>;

/** The whole text of one choice (content block, text part) of a held answer. */
export interface HeldText {
  readonly index: number;
  readonly text: string;
}

/**
 * A streamed answer held back whole, for a guardrail that judges the complete text: the chunks in
 * the order they came, and their text per choice (chat, completion), content block (Messages) or
 * text part (Responses).
 */
export class HeldAnswer {
  private readonly held: object[] = [];
  private assembled?: readonly HeldText[];

  hold(chunk: object): void {
    this.held.push(chunk);
    this.assembled = undefined;
  }

  /** The chunks as they came. */
  get chunks(): readonly object[] {
    return this.held;
  }

  /** Each choice's text, in index order; choices that carried no text are left out. */
  texts(): readonly HeldText[] {
    if (this.assembled !== undefined) return this.assembled;
    const parts = new Map<number, string[]>();
    for (const chunk of this.held) {
      for (const { index, text } of chunkTexts(chunk) ?? []) {
        if (text === '') continue;
        const list = parts.get(index);
        if (list === undefined) parts.set(index, [text]);
        else list.push(text);
      }
    }
    this.assembled = [...parts]
      .sort(([a], [b]) => a - b)
      .map(([index, list]) => ({ index, text: list.join('') }));
    return this.assembled;
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
