import type { Context, Span } from '@opentelemetry/api';
import { createContextKey, ROOT_CONTEXT } from '../../telemetry/otel-api';

/** The key under which the API keeps the active span (`trace.getSpan` reads it). */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/**
 * A context as one link onto its parent: setting a value allocates one small object, where the
 * API's own context copies its whole map and makes three closures. Lookups walk up the links
 * (a request's chain is a handful long).
 */
export class LinkedContext implements Context {
  constructor(
    private readonly parent: Context,
    private readonly key: symbol,
    private readonly value: unknown,
  ) {}

  getValue(key: symbol): unknown {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walking the chain from here
    let node: Context = this;
    while (node instanceof LinkedContext) {
      if (node.key === key) return node.value;
      node = node.parent;
    }
    return node.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  /** A link holding `undefined` hides the key, which is what reading a deleted key gives. */
  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined);
  }
}

/** `parent` with `span` as its span: what `trace.setSpan` gives, in one allocation. */
export function contextWithSpan(parent: Context | undefined, span: Span): Context {
  return new LinkedContext(parent ?? ROOT_CONTEXT, SPAN_KEY, span);
}
