import { compact, isRecord, type JsonRecord } from './json-record.util';

// 0.3 data parts must hold an object: the SDK wraps other values as `{ value }` and flags it here.
const DATA_PART_COMPAT_FLAG = 'data_part_compat';

/** 0.3 `{kind:'text'|'file'|'data', …}` → 1.0 `{text}` / `{url|raw, mediaType, filename}` / `{data}`. */
export function partToV1(part: unknown): unknown {
  if (!isRecord(part)) return part;
  switch (part.kind) {
    case 'text': {
      const { kind: _kind, ...rest } = part;
      return rest;
    }
    case 'file':
      return filePartToV1(part);
    case 'data':
      return dataPartToV1(part);
    default:
      return part;
  }
}

/** 1.0 part → 0.3 part with its `kind`; a part already tagged or of no known shape is unchanged. */
export function partToV03(part: unknown): unknown {
  if (!isRecord(part) || 'kind' in part) return part;
  if (typeof part.text === 'string') return { kind: 'text', ...part };
  if (typeof part.url === 'string' || typeof part.raw === 'string') return filePartToV03(part);
  if ('data' in part) return dataPartToV03(part);
  return part;
}

function filePartToV1(part: JsonRecord): unknown {
  const { kind: _kind, file, ...rest } = part;
  if (!isRecord(file)) return part;
  const { uri, bytes, mimeType, name, ...fileRest } = file;
  // Bytes first, as the SDK does, for a (malformed) file carrying both.
  const content =
    typeof bytes === 'string' ? { raw: bytes } : typeof uri === 'string' ? { url: uri } : undefined;
  if (content === undefined) return part;
  return compact({ ...fileRest, ...rest, ...content, mediaType: mimeType, filename: name });
}

function filePartToV03(part: JsonRecord): unknown {
  const { url, raw, mediaType, filename, ...rest } = part;
  const content = typeof raw === 'string' ? { bytes: raw } : { uri: url };
  return {
    kind: 'file',
    file: compact({ ...content, mimeType: mediaType, name: filename }),
    ...rest,
  };
}

function dataPartToV1(part: JsonRecord): unknown {
  const { kind: _kind, data, metadata, ...rest } = part;
  if (!isRecord(metadata) || metadata[DATA_PART_COMPAT_FLAG] !== true) {
    return compact({ data, metadata, ...rest });
  }
  const { [DATA_PART_COMPAT_FLAG]: _flag, ...otherMetadata } = metadata;
  const value = isRecord(data) && 'value' in data ? data.value : data;
  const keepMetadata = Object.keys(otherMetadata).length > 0 ? otherMetadata : undefined;
  return compact({ data: value, metadata: keepMetadata, ...rest });
}

function dataPartToV03(part: JsonRecord): unknown {
  const { data, metadata, ...rest } = part;
  if (isRecord(data)) return compact({ kind: 'data', data, metadata, ...rest });
  const flagged = { ...(isRecord(metadata) ? metadata : {}), [DATA_PART_COMPAT_FLAG]: true };
  return { kind: 'data', data: { value: data }, metadata: flagged, ...rest };
}
