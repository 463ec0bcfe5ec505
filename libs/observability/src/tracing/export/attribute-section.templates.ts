import type { AttributeValue } from '@opentelemetry/api';
import type { AttributeBlock } from '../spans/attribute-block';
import type { ProtoBufferWriter } from './proto-buffer.writer';

const TEMPLATES_LIMIT = 256;
/** The key of a lasting block's entry (attribute keys are never empty). */
const BLOCK_ENTRY = '';

/** Writes one attribute (tag, key and value) at the writer's position. */
export type AttributeWriter = (w: ProtoBufferWriter, key: string, value: AttributeValue) => void;

/** The `KeyValue`s of a lasting block, as encoded once (AttributeBlock#encoded). */
export type BlockBytes = (block: AttributeBlock) => Uint8Array;

/**
 * The entries of the last span of one name and where their encoded bytes are. An entry is an
 * attribute (a span's own or one of a block of one request's values) or a lasting block whole.
 */
interface SectionTemplate {
  /** An attribute's key, or BLOCK_ENTRY for a lasting block (in `blocks`). */
  readonly keys: string[];
  /**
   * The primitive values; undefined for an array, whose one string (if that is all it held) is
   * in `arrays` (a copy: the caller may change an array it has set).
   */
  readonly values: (AttributeValue | undefined)[];
  readonly arrays: (string | undefined)[];
  readonly blocks: (AttributeBlock | undefined)[];
  /** `ends[i]`: where entry `i` ends, from the start of the section. */
  readonly ends: number[];
  count: number;
  /** Where the section starts in the batch's buffer (never written there again). */
  at: number;
}

/**
 * The attributes of a span, written as runs copied from the last span of the same name where
 * key and value are the same: a request's spans repeat most of their attributes request after
 * request (method, route, model, deployment, strategy...), so a span is a few copies and the
 * few attributes that changed (request id, response id) instead of one lookup and one copy each.
 * The span's own attributes come first, then its blocks in order: a lasting block is one entry
 * (the same block object, the same bytes), a block of one request's values is its attributes.
 * Exact: an attribute's bytes depend on its key and value only, and values are compared exactly
 * (one-string arrays by their string, other arrays never). A template is the section as written in
 * the batch being written (no copy is kept), so a run is copied inside its buffer; a new batch
 * starts the templates over.
 */
export class AttributeSectionTemplates {
  private readonly templates = new Map<string, SectionTemplate>();
  /** Ends of the section being written, relative to its start (reused from span to span). */
  private readonly ends: number[] = [];
  /** The template the span being written has just become, until the span is done. */
  private pending: SectionTemplate | undefined;
  /** The batch (writer) the templates point into. */
  private writer: ProtoBufferWriter | undefined;
  // The section being written (see write).
  private template: SectionTemplate | undefined;
  private known = 0;
  private start = 0;
  private runFrom = -1;
  private changed = false;

  constructor(
    private readonly writeOne: AttributeWriter,
    private readonly blockBytes: BlockBytes,
  ) {}

  /**
   * The span whose section was written last is complete, its body moved by `shift` bytes (its
   * length prefix took more or fewer bytes than reserved).
   */
  spanDone(shift: number): void {
    if (this.pending && shift !== 0) this.pending.at += shift;
    this.pending = undefined;
  }

  /** The span whose section was written last was not written after all (its bytes are reused). */
  spanDropped(): void {
    const pending = this.pending;
    // A count no section has: nothing is copied from it, the next span replaces it.
    if (pending) pending.count = -1;
    this.pending = undefined;
  }

  /** Writes the span's own attributes (`keys`, `values`), then its `blocks`. */
  write(
    w: ProtoBufferWriter,
    name: string,
    keys: readonly string[],
    values: readonly AttributeValue[],
    blocks: readonly AttributeBlock[] | undefined,
  ): void {
    this.pending = undefined;
    if (w !== this.writer) {
      // A new batch: the last one is sent (and must not be kept alive by templates pointing into
      // it); each name starts over. A buffer that grew kept its bytes at the same offsets.
      this.templates.clear();
      this.writer = w;
    }
    const count = entryCount(keys, blocks);
    const template = this.templates.get(name);
    this.template = template;
    this.start = w.pos;
    this.runFrom = -1;
    this.changed = template === undefined || template.count !== count;
    this.known = template === undefined ? 0 : Math.max(0, Math.min(template.count, count));
    let i = 0;
    for (; i < keys.length; i++) this.attribute(w, i, keys[i]!, values[i]!);
    if (blocks !== undefined) {
      for (let b = 0; b < blocks.length; b++) {
        const block = blocks[b]!;
        if (block.lasting) {
          this.block(w, i++, block);
          continue;
        }
        const blockKeys = block.keys;
        const blockValues = block.values;
        for (let k = 0; k < blockKeys.length; k++)
          this.attribute(w, i++, blockKeys[k]!, blockValues[k]!);
      }
    }
    if (this.runFrom >= 0) this.copyRun(w, count);
    if (this.changed) this.remember(name, template, keys, values, blocks, count);
    this.template = undefined;
  }

  private attribute(w: ProtoBufferWriter, i: number, key: string, value: AttributeValue): void {
    const template = this.template;
    if (i < this.known && same(template!, i, key, value)) {
      if (this.runFrom < 0) this.runFrom = i;
      return;
    }
    this.differs(w, i);
    this.writeOne(w, key, value);
    this.ends[i] = w.pos - this.start;
    // Later comparisons read other slots, and runs copy bytes not yet replaced: safe now.
    if (i < this.known) note(template!, i, key, value);
  }

  private block(w: ProtoBufferWriter, i: number, block: AttributeBlock): void {
    const template = this.template;
    if (i < this.known && template!.blocks[i] === block) {
      if (this.runFrom < 0) this.runFrom = i;
      return;
    }
    this.differs(w, i);
    w.bytesRaw(this.blockBytes(block));
    this.ends[i] = w.pos - this.start;
    if (i < this.known) noteBlock(template!, i, block);
  }

  /** Entry `i` is not the template's: the run before it is copied. */
  private differs(w: ProtoBufferWriter, i: number): void {
    if (this.runFrom >= 0) this.copyRun(w, i);
    this.runFrom = -1;
    this.changed = true;
  }

  /** Copies entries `runFrom`..`to` (exclusive) of the template, noting where each ends. */
  private copyRun(w: ProtoBufferWriter, to: number): void {
    const template = this.template!;
    const from = this.runFrom;
    const sourceStart = from === 0 ? 0 : template.ends[from - 1]!;
    const sourceEnd = template.ends[to - 1]!;
    const length = sourceEnd - sourceStart;
    w.ensure(length);
    const at = template.at;
    // A native move inside the buffer (templates point into the batch being written).
    w.buf.copyWithin(w.pos, at + sourceStart, at + sourceEnd);
    const shift = w.pos - this.start - sourceStart;
    const ends = this.ends;
    for (let i = from; i < to; i++) ends[i] = template.ends[i]! + shift;
    w.pos += length;
  }

  /** The section just written becomes the template. */
  private remember(
    name: string,
    existing: SectionTemplate | undefined,
    keys: readonly string[],
    values: readonly AttributeValue[],
    blocks: readonly AttributeBlock[] | undefined,
    count: number,
  ): void {
    let template = existing;
    if (template === undefined) {
      if (this.templates.size >= TEMPLATES_LIMIT) return;
      template = { keys: [], values: [], arrays: [], blocks: [], ends: [], count: 0, at: 0 };
      this.templates.set(name, template);
    }
    template.at = this.start;
    const noted = this.known;
    // Slots below `known` were noted as they were written.
    if (count > noted) noteFrom(template, noted, keys, values, blocks);
    const ends = this.ends;
    for (let e = 0; e < count; e++) template.ends[e] = ends[e]!;
    template.count = count;
    this.pending = template;
  }
}

/** Notes entries from `from` on (as write orders them). */
function noteFrom(
  template: SectionTemplate,
  from: number,
  keys: readonly string[],
  values: readonly AttributeValue[],
  blocks: readonly AttributeBlock[] | undefined,
): void {
  let i = 0;
  for (; i < keys.length; i++) if (i >= from) note(template, i, keys[i]!, values[i]!);
  if (blocks === undefined) return;
  for (let b = 0; b < blocks.length; b++) {
    const block = blocks[b]!;
    if (block.lasting) {
      if (i >= from) noteBlock(template, i, block);
      i += 1;
      continue;
    }
    for (let k = 0; k < block.keys.length; k++, i++)
      if (i >= from) note(template, i, block.keys[k]!, block.values[k]!);
  }
}

/** Entries of a section: its own attributes, one per lasting block, the others' attributes. */
function entryCount(
  keys: readonly string[],
  blocks: readonly AttributeBlock[] | undefined,
): number {
  let count = keys.length;
  if (blocks !== undefined)
    for (let b = 0; b < blocks.length; b++) {
      const block = blocks[b]!;
      count += block.lasting ? 1 : block.keys.length;
    }
  return count;
}

/** Slot `i` of the template now holds `key` and `value` (an array's one string, copied). */
function note(template: SectionTemplate, i: number, key: string, value: AttributeValue): void {
  template.keys[i] = key;
  template.blocks[i] = undefined;
  if (typeof value === 'object') {
    const items = value as readonly unknown[];
    template.values[i] = undefined;
    template.arrays[i] = items.length === 1 && typeof items[0] === 'string' ? items[0] : undefined;
  } else {
    template.values[i] = value;
    template.arrays[i] = undefined;
  }
}

/** Slot `i` of the template now holds a lasting block. */
function noteBlock(template: SectionTemplate, i: number, block: AttributeBlock): void {
  template.keys[i] = BLOCK_ENTRY;
  template.blocks[i] = block;
  template.values[i] = undefined;
  template.arrays[i] = undefined;
}

function same(template: SectionTemplate, i: number, key: string, value: AttributeValue): boolean {
  // A block's entry has no key an attribute can have.
  if (template.keys[i] !== key) return false;
  // Attribute values are never undefined: an array's slot in `values` matches no value.
  if (typeof value !== 'object') return template.values[i] === value;
  const items = value as readonly unknown[];
  const one = template.arrays[i];
  return one !== undefined && items.length === 1 && items[0] === one;
}
