import type { AttributeValue } from '@opentelemetry/api';
import type { ProtoBufferWriter } from './proto-buffer.writer';

const TEMPLATES_LIMIT = 256;

/** Writes one attribute (tag, key and value) at the writer's position. */
export type AttributeWriter = (w: ProtoBufferWriter, key: string, value: AttributeValue) => void;

/** The attributes of the last span of one name, and where their encoded bytes are. */
interface SectionTemplate {
  readonly keys: string[];
  /**
   * The primitive values; undefined for an array, whose one string (if that is all it held) is
   * in `arrays` (a copy: the caller may change an array it has set).
   */
  readonly values: (AttributeValue | undefined)[];
  readonly arrays: (string | undefined)[];
  /** `ends[i]`: where attribute `i` ends, from the start of the section. */
  readonly ends: number[];
  count: number;
  /** Where the section starts in the batch's buffer (never written there again). */
  at: number;
}

/**
 * The attributes of a span, written as runs copied from the last span of the same name where
 * key and value are the same: a request's spans repeat most of their attributes request after
 * request (method, route, model, deployment, strategy...), so a span is a few copies and the
 * few attributes that changed (request id, tokens) instead of one lookup and one copy each.
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

  write(
    w: ProtoBufferWriter,
    name: string,
    keys: readonly string[],
    values: readonly AttributeValue[],
    writeOne: AttributeWriter,
  ): void {
    const count = keys.length;
    this.pending = undefined;
    if (w !== this.writer) {
      // A new batch: the last one is sent (and must not be kept alive by templates pointing into
      // it); each name starts over. A buffer that grew kept its bytes at the same offsets.
      this.templates.clear();
      this.writer = w;
    }
    const template = this.templates.get(name);
    const ends = this.ends;
    const start = w.pos;
    let runFrom = -1;
    let changed = template === undefined || template.count !== count;
    const known = template === undefined ? 0 : Math.max(0, Math.min(template.count, count));
    for (let i = 0; i < count; i++) {
      const key = keys[i]!;
      const value = values[i]!;
      if (i < known && same(template!, i, key, value)) {
        if (runFrom < 0) runFrom = i;
        continue;
      }
      if (runFrom >= 0) copyRun(w, template!, runFrom, i, ends, start);
      runFrom = -1;
      changed = true;
      writeOne(w, key, value);
      ends[i] = w.pos - start;
      // Later comparisons read other slots, and runs copy bytes not yet replaced: safe now.
      if (i < known) note(template!, i, key, value);
    }
    if (runFrom >= 0) copyRun(w, template!, runFrom, count, ends, start);
    if (changed) this.remember(name, template, w, start, keys, values, known);
  }

  /** The section just written becomes the template (slots below `noted` were noted already). */
  private remember(
    name: string,
    existing: SectionTemplate | undefined,
    w: ProtoBufferWriter,
    start: number,
    keys: readonly string[],
    values: readonly AttributeValue[],
    noted: number,
  ): void {
    let template = existing;
    if (template === undefined) {
      if (this.templates.size >= TEMPLATES_LIMIT) return;
      template = { keys: [], values: [], arrays: [], ends: [], count: 0, at: 0 };
      this.templates.set(name, template);
    }
    template.at = start;
    const count = keys.length;
    for (let i = noted; i < count; i++) note(template, i, keys[i]!, values[i]!);
    const ends = this.ends;
    for (let i = 0; i < count; i++) template.ends[i] = ends[i]!;
    template.count = count;
    this.pending = template;
  }
}

/** Slot `i` of the template now holds `key` and `value` (an array's one string, copied). */
function note(template: SectionTemplate, i: number, key: string, value: AttributeValue): void {
  template.keys[i] = key;
  if (typeof value === 'object') {
    const items = value as readonly unknown[];
    template.values[i] = undefined;
    template.arrays[i] = items.length === 1 && typeof items[0] === 'string' ? items[0] : undefined;
  } else {
    template.values[i] = value;
    template.arrays[i] = undefined;
  }
}

function same(template: SectionTemplate, i: number, key: string, value: AttributeValue): boolean {
  if (template.keys[i] !== key) return false;
  // Attribute values are never undefined: an array's slot in `values` matches no value.
  if (typeof value !== 'object') return template.values[i] === value;
  const items = value as readonly unknown[];
  const one = template.arrays[i];
  return one !== undefined && items.length === 1 && items[0] === one;
}

/** Copies attributes `from`..`to` (exclusive) of the template, noting where each ends. */
function copyRun(
  w: ProtoBufferWriter,
  template: SectionTemplate,
  from: number,
  to: number,
  ends: number[],
  start: number,
): void {
  const sourceStart = from === 0 ? 0 : template.ends[from - 1]!;
  const sourceEnd = template.ends[to - 1]!;
  const length = sourceEnd - sourceStart;
  w.ensure(length);
  const at = template.at;
  // A native move inside the buffer (templates point into the batch being written).
  w.buf.copyWithin(w.pos, at + sourceStart, at + sourceEnd);
  const shift = w.pos - start - sourceStart;
  for (let i = from; i < to; i++) ends[i] = template.ends[i]! + shift;
  w.pos += length;
}
