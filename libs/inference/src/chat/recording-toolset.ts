import {
  HOSTED_TOOL_ERROR_PREFIX,
  type HostedToolOrigin,
  type HostedToolset,
} from '@routeiq/common';

/** One call the hosted tool loop ran; `text` and `failed` are set once it has finished. */
export interface HostedCallRecord {
  /** The server and the server's own tool name (the function name when the toolset cannot say). */
  readonly origin: HostedToolOrigin;
  readonly argumentsJson: string;
  /** The result, or the failure without `HOSTED_TOOL_ERROR_PREFIX`. */
  text?: string;
  failed?: boolean;
}

/** What the model wrote in a turn before the calls that follow it in `RecordingToolset.items`. */
export interface HostedTurnText {
  readonly text: string;
}

/**
 * A toolset that keeps each call it runs, in the order the model asked for them (the loop starts
 * calls in that order, however many run at once), and the text of each turn before its calls, for
 * surfaces that show the exchange to the client.
 */
export class RecordingToolset implements HostedToolset {
  readonly calls: HostedCallRecord[] = [];
  /** Turn texts and calls, in the order they happened. */
  readonly items: (HostedTurnText | HostedCallRecord)[] = [];

  constructor(private readonly inner: HostedToolset) {}

  get definitions(): HostedToolset['definitions'] {
    return this.inner.definitions;
  }

  get executable(): boolean {
    return this.inner.executable;
  }

  get maxTurns(): number {
    return this.inner.maxTurns;
  }

  owns(name: string): boolean {
    return this.inner.owns(name);
  }

  originOf(name: string): HostedToolOrigin | undefined {
    return this.inner.originOf?.(name);
  }

  async execute(name: string, argumentsJson: string, signal: AbortSignal): Promise<string> {
    const origin = this.originOf(name) ?? { server: '', tool: name };
    const record: HostedCallRecord = { origin, argumentsJson };
    this.calls.push(record);
    this.items.push(record);
    const text = await this.inner.execute(name, argumentsJson, signal);
    record.failed = text.startsWith(HOSTED_TOOL_ERROR_PREFIX);
    record.text = record.failed ? text.slice(HOSTED_TOOL_ERROR_PREFIX.length) : text;
    return text;
  }

  noteTurnText(text: string): void {
    this.items.push({ text });
  }
}
