import { Role, TaskState, type Message, type Part, type Task } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import type { IncomingHttpHeaders } from 'node:http';

// The behaviour of the test agents, chosen by the first word of the user's text:
//   `stream <n>`  a task: submitted, working, n artifact chunks `chunk-1`.. with a delay between
//                 them, then completed (the agent notes when it finished);
//   `slow`        a task that keeps working (a chunk every delay) until cancelled or 60 s pass;
//   `mirror`      an agent message carrying back every part the user sent, as received;
//   `llm <text>`  asks an OpenAI-compatible chat endpoint (the gateway, see `A2aLlmTarget`) with the
//                 `traceparent` the agent received, and answers `llm: <completion>`;
//   anything else an agent message `echo: <text>`.

export interface A2aAgentExecutorOptions {
  /** Pause between streamed chunks (default 150 ms). */
  readonly chunkDelayMs?: number;
}

/** Where an agent's `llm` command sends its chat completion (as an agent calling the gateway). */
export interface A2aLlmTarget {
  /** Base URL, e.g. the gateway's `http://127.0.0.1:4000`; `/v1/chat/completions` is appended. */
  readonly url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  readonly key: string;
  readonly model: string;
}

/** Per-task facts the tests assert on (ordering, never timing). */
export interface A2aTaskLog {
  /** Task ids whose executor published its final event. */
  readonly finished: Set<string>;
  /** Task ids the agent was asked to cancel. */
  readonly cancelled: Set<string>;
}

const textPart = (text: string): Part => ({
  content: { $case: 'text', value: text },
  mediaType: 'text/plain',
  filename: '',
  metadata: undefined,
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function userText(context: RequestContext): string {
  return context.userMessage.parts
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');
}

export class A2aAgentExecutor implements AgentExecutor {
  readonly log: A2aTaskLog = { finished: new Set(), cancelled: new Set() };
  private readonly delayMs: number;
  private readonly contexts = new Map<string, string>();
  private halted = false;
  /** Set by `A2aAgentServer.useLlm` once the gateway it calls is up. */
  llm: A2aLlmTarget | undefined;

  constructor(options: A2aAgentExecutorOptions = {}) {
    this.delayMs = options.chunkDelayMs ?? 150;
  }

  async execute(context: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const text = userText(context);
    const [command, arg] = text.trim().split(/\s+/);
    if (command === 'stream') return this.stream(context, bus, Number(arg ?? 3) || 3);
    if (command === 'slow') return this.slow(context, bus);
    if (command === 'mirror') return this.reply(context, bus, context.userMessage.parts);
    if (command === 'llm') {
      const answer = await this.askLlm(context, text.trim().slice('llm'.length).trim());
      return this.reply(context, bus, [textPart(`llm: ${answer}`)]);
    }
    this.reply(context, bus, [textPart(`echo: ${text}`)]);
  }

  private reply(context: RequestContext, bus: ExecutionEventBus, parts: Part[]): void {
    const reply: Message = {
      messageId: `echo-${context.userMessage.messageId}`,
      contextId: context.contextId,
      taskId: '',
      role: Role.ROLE_AGENT,
      parts,
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    };
    bus.publish(AgentEvent.message(reply));
    bus.finished();
  }

  /** An agent that propagates its caller's trace, as the gateway's tracing docs ask agents to. */
  private async askLlm(context: RequestContext, prompt: string): Promise<string> {
    if (!this.llm) return 'no llm configured';
    const incoming = context.context.state.get('headers') as IncomingHttpHeaders | undefined;
    const traceparent = incoming?.traceparent;
    const res = await fetch(`${this.llm.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.llm.key}`,
        'content-type': 'application/json',
        ...(typeof traceparent === 'string' && { traceparent }),
      },
      body: JSON.stringify({
        model: this.llm.model,
        messages: [{ role: 'user', content: prompt }],
      }),
    });
    const body = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> };
    return res.ok ? (body.choices?.[0]?.message?.content ?? '') : `HTTP ${res.status}`;
  }

  /** Ends every running task loop (the agent is stopping). */
  halt(): void {
    this.halted = true;
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    this.log.cancelled.add(taskId);
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId: this.contexts.get(taskId) ?? '',
        status: { state: TaskState.TASK_STATE_CANCELED, message: undefined, timestamp: now() },
        metadata: undefined,
      }),
    );
    bus.finished();
  }

  private async stream(context: RequestContext, bus: ExecutionEventBus, chunks: number) {
    this.startTask(context, bus);
    for (let index = 1; index <= chunks; index += 1) {
      await sleep(this.delayMs);
      this.chunk(context, bus, index, index === chunks);
    }
    this.status(context, bus, TaskState.TASK_STATE_COMPLETED);
    this.log.finished.add(context.taskId);
    bus.finished();
  }

  private async slow(context: RequestContext, bus: ExecutionEventBus): Promise<void> {
    this.startTask(context, bus);
    const deadline = Date.now() + 60_000;
    for (let index = 1; Date.now() < deadline && !this.halted; index += 1) {
      await sleep(this.delayMs);
      // cancelTask already published the final state on this task's bus.
      if (this.log.cancelled.has(context.taskId)) return;
      this.chunk(context, bus, index, false);
    }
    this.status(context, bus, TaskState.TASK_STATE_COMPLETED);
    this.log.finished.add(context.taskId);
    bus.finished();
  }

  private startTask(context: RequestContext, bus: ExecutionEventBus): void {
    this.contexts.set(context.taskId, context.contextId);
    const task: Task = {
      id: context.taskId,
      contextId: context.contextId,
      status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: now() },
      artifacts: [],
      history: [context.userMessage],
      metadata: undefined,
    };
    bus.publish(AgentEvent.task(task));
    this.status(context, bus, TaskState.TASK_STATE_WORKING);
  }

  private status(context: RequestContext, bus: ExecutionEventBus, state: TaskState): void {
    bus.publish(
      AgentEvent.statusUpdate({
        taskId: context.taskId,
        contextId: context.contextId,
        status: { state, message: undefined, timestamp: now() },
        metadata: undefined,
      }),
    );
  }

  private chunk(context: RequestContext, bus: ExecutionEventBus, index: number, last: boolean) {
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId: context.taskId,
        contextId: context.contextId,
        artifact: {
          artifactId: 'output',
          name: 'output',
          description: '',
          parts: [textPart(`chunk-${index}`)],
          metadata: undefined,
          extensions: [],
        },
        append: index > 1,
        lastChunk: last,
        metadata: undefined,
      }),
    );
  }
}

const now = (): string => new Date().toISOString();
