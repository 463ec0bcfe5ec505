import {
  chunkTexts,
  isEmptyTextChunk,
  textChunk,
  withChunkTexts,
  type ChunkText,
} from '../guardrail-chunks';
import { redactResponsesTexts } from '../responses-events';
import { redactMatches, type PiiDetector } from './pii.detector';
import { PiiStreamRedactor } from './pii-stream.redactor';
import { PiiToolStream } from './pii-tool-stream';
import type { PiiEntity } from './pii.patterns';

type Json = Record<string, unknown>;

/**
 * One streamed answer through the PII guardrail: a redactor per choice (or content block, or
 * text part), chunks rewritten to carry what may be written now; tool-call arguments are held
 * whole until their call ends (`PiiToolStream`). `rewrite` false only looks (warn, log): chunks
 * pass as they came. `found` runs on each finding, and may throw (block) before the text is
 * written.
 */
export class PiiStream {
  private readonly redactors = new Map<number, PiiStreamRedactor>();
  private readonly tools: PiiToolStream;
  private template?: object;
  /** Next Responses `sequence_number`: events inserted here shift the ones after them. */
  private sequence?: number;

  constructor(
    private readonly detector: PiiDetector,
    private readonly rewrite: boolean,
    private readonly found: (entities: readonly PiiEntity[]) => void,
  ) {
    this.tools = new PiiToolStream(detector, rewrite, found);
  }

  chunk(chunk: object): readonly object[] | undefined {
    const tools = this.tools.chunk(chunk);
    if (tools !== undefined) {
      const out = tools.flatMap((piece) => this.texts(piece) ?? [piece]);
      return this.renumbered(out) ?? out;
    }
    const out = this.texts(chunk);
    if (out === undefined) return undefined;
    return this.renumbered(out) ?? (out.length === 1 && out[0] === chunk ? undefined : out);
  }

  /** The stream ended: what is still held, as chunks of their own. */
  end(): readonly object[] {
    const chunks: object[] = [];
    for (const [index, redactor] of this.redactors) {
      const { text, entities } = redactor.flush();
      this.found(entities);
      if (text !== '' && this.template) chunks.push(textChunk(this.template, index, text));
    }
    this.redactors.clear();
    chunks.push(...this.tools.end());
    return this.rewrite ? (this.renumbered(chunks) ?? chunks) : [];
  }

  /** The chunks carrying this one's texts ([chunk] when unchanged); undefined when only looking. */
  private texts(chunk: object): readonly object[] | undefined {
    const texts = chunkTexts(chunk);
    const out =
      texts === undefined || texts.length === 0 ? undefined : this.rewritten(chunk, texts);
    return this.rewrite ? this.wholeTexts(out ?? [chunk]) : undefined;
  }

  private rewritten(chunk: object, texts: readonly ChunkText[]): readonly object[] | undefined {
    this.template = chunk;
    const released = new Map<number, string>();
    const before: object[] = [];
    for (const piece of texts) {
      const text = this.release(piece);
      if (piece.hasText) released.set(piece.index, text);
      else if (text !== '') before.push(textChunk(chunk, piece.index, text));
    }
    const unchanged =
      before.length === 0 && texts.every((t) => !t.hasText || released.get(t.index) === t.text);
    if (unchanged) return undefined;
    const rewritten = withChunkTexts(chunk, released);
    return isEmptyTextChunk(rewritten) ? before : [...before, rewritten];
  }

  /** Feeds one piece of text; returns what may be written of it now. */
  private release(piece: ChunkText): string {
    let redactor = this.redactors.get(piece.index);
    if (redactor === undefined) {
      redactor = new PiiStreamRedactor(this.detector);
      this.redactors.set(piece.index, redactor);
    }
    const now = redactor.push(piece.text);
    this.found(now.entities);
    if (!piece.finished) return now.text;
    // Nothing is held across a choice's (or block's) last chunk.
    const rest = redactor.flush();
    this.redactors.delete(piece.index);
    this.found(rest.entities);
    return now.text + rest.text;
  }

  /** Responses events repeat whole texts (a part's `done`, the completed response): redacted too. */
  private wholeTexts(chunks: readonly object[]): readonly object[] {
    return chunks.map((chunk) =>
      redactResponsesTexts(chunk as Json, (text) => redactMatches(text, this.detector.find(text))),
    );
  }

  /** Keeps Responses sequence numbers consecutive; undefined when none had to change. */
  private renumbered(chunks: readonly object[]): readonly object[] | undefined {
    let changed = false;
    const out = chunks.map((chunk) => {
      const number = (chunk as Json).sequence_number;
      if (typeof number !== 'number') return chunk;
      const next = this.sequence ?? number;
      this.sequence = next + 1;
      if (number === next) return chunk;
      changed = true;
      return { ...chunk, sequence_number: next };
    });
    return changed ? out : undefined;
  }
}
