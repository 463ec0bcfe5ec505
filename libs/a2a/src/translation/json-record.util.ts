export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps each item of an array; anything else comes back unchanged. */
export function mapArray(value: unknown, map: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(map) : value;
}

/** Drops keys whose value is undefined, so a translation never invents absent fields. */
export function compact(record: JsonRecord): JsonRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/** Whether `record` is tagged with the 0.3 `kind` discriminator `kind`. */
export function hasKind(record: JsonRecord, kind: string): boolean {
  return record.kind === kind;
}
