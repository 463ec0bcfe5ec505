import type { Resource } from '@opentelemetry/resources';
import {
  REQUEST_RESOURCE_SPANS,
  RESOURCE_SPANS_SCHEMA_URL,
  RESOURCE_SPANS_SCOPE_SPANS,
  SCOPE_SPANS_SCHEMA_URL,
  writeResource,
  writeScope,
  type Scope,
} from './otlp-fields.encoder';
import { ProtoBufferWriter, varintSize } from './proto-buffer.writer';

/**
 * What an `ExportTraceServiceRequest` holds around the spans of one resource and one scope: spans
 * encoded one by one (see {@link GatewaySpanEncoder}) become a request with one copy.
 */
export class OtlpRequestFrame {
  /** `ResourceSpans.resource` and `.schema_url`. */
  private readonly resourcePart: Buffer;
  /** `ScopeSpans.scope` and `.schema_url`. */
  private readonly scopePart: Buffer;

  /** Resource attributes must be settled (no async attributes pending). */
  constructor(resource: Resource, scope: Scope) {
    const resourceWriter = new ProtoBufferWriter(1024);
    writeResource(resourceWriter, resource);
    if (resource.schemaUrl) {
      resourceWriter.byte(RESOURCE_SPANS_SCHEMA_URL);
      resourceWriter.string(resource.schemaUrl);
    }
    this.resourcePart = Buffer.from(resourceWriter.finish());
    const scopeWriter = new ProtoBufferWriter(256);
    writeScope(scopeWriter, scope);
    if (scope.schemaUrl) {
      scopeWriter.byte(SCOPE_SPANS_SCHEMA_URL);
      scopeWriter.string(scope.schemaUrl);
    }
    this.scopePart = Buffer.from(scopeWriter.finish());
  }

  /**
   * The request holding the spans in `buf` from `start` to `end` (a run of encoded
   * `ScopeSpans.spans` elements). The frame goes into the room left before `start` when it fits
   * (no copy of the spans), else in front of a copy.
   */
  wrap(buf: Buffer, start: number, end: number): Buffer {
    const scopeSpans = this.scopePart.length + end - start;
    const resourceSpans = this.resourcePart.length + 1 + varintSize(scopeSpans) + scopeSpans;
    const head = new ProtoBufferWriter(16 + this.resourcePart.length + this.scopePart.length);
    head.byte(REQUEST_RESOURCE_SPANS);
    head.varint32(resourceSpans);
    head.bytesRaw(this.resourcePart);
    head.byte(RESOURCE_SPANS_SCOPE_SPANS);
    head.varint32(scopeSpans);
    head.bytesRaw(this.scopePart);
    const frame = head.finish();
    if (frame.length > start) return Buffer.concat([frame, buf.subarray(start, end)]);
    buf.set(frame, start - frame.length);
    return buf.subarray(start - frame.length, end);
  }
}
