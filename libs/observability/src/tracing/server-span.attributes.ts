import { AttributeBlock } from './spans/attribute-block';

// What the server span reads of a request: its trace headers from the raw list, and its method,
// path, scheme and protocol as one attribute block per path (see GatewayTracer#startServerSpan).

/** What the server span needs of a request's headers, read from their raw list. */
interface RawTraceHeaders {
  /** A `traceparent` or `baggage` header came (the propagators have something to read). */
  readonly context: boolean;
  /** The first `User-Agent` (Node's `headers` keeps the first of several too). */
  readonly userAgent: string | undefined;
}

export function rawTraceHeaders(raw: readonly string[]): RawTraceHeaders {
  let context = false;
  let userAgent: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // Lengths first: most names are none of these and are never lowercased.
    const length = name.length;
    if (length === 11 || length === 7) {
      const lower = name.toLowerCase();
      if (lower === 'traceparent' || lower === 'baggage') context = true;
    } else if (length === 10 && userAgent === undefined && name.toLowerCase() === 'user-agent') {
      userAgent = raw[i + 1];
    }
  }
  return { context, userAgent };
}

/** Server span blocks (method, path, scheme, protocol) kept, at most (beyond: one by one). */
const SERVER_BLOCKS_LIMIT = 1024;
/** Per path: the server span's blocks (one per method and protocol version, most paths one). */
const serverBlocks = new Map<string, AttributeBlock[]>();
let serverBlockCount = 0;

/** The block of a request's method, path, scheme and protocol version (most requests repeat). */
export function serverBlock(
  method: string,
  version: string,
  path: string,
): AttributeBlock | undefined {
  let blocks = serverBlocks.get(path);
  if (blocks !== undefined) {
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      // Values 0 and 3 are the method and the version (see below).
      if (block.values[0] === method && block.values[3] === version) return block;
    }
  }
  if (serverBlockCount >= SERVER_BLOCKS_LIMIT) return undefined;
  if (blocks === undefined) serverBlocks.set(path, (blocks = []));
  const block = new AttributeBlock({
    'http.request.method': method,
    'url.path': path,
    'url.scheme': 'http',
    'network.protocol.version': version,
  });
  blocks.push(block);
  serverBlockCount += 1;
  return block;
}
