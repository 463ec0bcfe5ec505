import type { AgentCard, AgentSkill } from '@a2a-js/sdk';
import { createLegacyAwarePushNotificationSender } from '@a2a-js/sdk/compat/v0_3/server';
import {
  DefaultRequestHandler,
  InMemoryPushNotificationStore,
  InMemoryTaskStore,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { A2aAgentExecutor, type A2aLlmTarget, type A2aTaskLog } from './a2a-agent.executor';

export { type A2aLlmTarget, type A2aTaskLog } from './a2a-agent.executor';

/** Which A2A protocol line the agent speaks. */
export type A2aProtocolLine = '1.0' | '0.3';

export interface A2aAgentSkillSpec {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly tags?: readonly string[];
}

export interface A2aAgentOptions {
  /** Card `name`, default `echo-agent`. */
  readonly name?: string;
  readonly description?: string;
  /** Default: one `echo` skill. */
  readonly skills?: readonly A2aAgentSkillSpec[];
  /** Default `1.0`. A `0.3` agent serves a 0.3 card and answers only 0.3 JSON-RPC. */
  readonly protocol?: A2aProtocolLine;
  /** Pause between streamed chunks (default 150 ms). */
  readonly chunkDelayMs?: number;
  /** When set, every JSON-RPC request must carry `Authorization: Bearer <token>` (else 401). */
  readonly token?: string;
  /**
   * Card `capabilities.pushNotifications` (default false). When true the SDK keeps push configs
   * (set/get/list/delete) and POSTs task events to their URLs; see `pushCallbackUrl`.
   */
  readonly pushNotifications?: boolean;
  /** Card `defaultInputModes`, which the SDK enforces on parts' media types (default text/plain). */
  readonly inputModes?: readonly string[];
}

/** A push notification the agent delivered to its own `pushCallbackUrl`. */
export interface A2aPushDelivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/** One HTTP request as the agent received it. */
export interface A2aAgentRequest {
  readonly path: string;
  /** The JSON-RPC method (`undefined` for card fetches). */
  readonly method: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

// Only the part of Express these agents use. Express is installed (a dependency of
// @nestjs/platform-express and @a2a-js/sdk's peer) but ships no types here.
type Next = (error?: unknown) => void;
type Handler = (req: ExpressRequest, res: ServerResponse, next: Next) => void;
interface ExpressRequest extends IncomingMessage {
  body?: unknown;
  path: string;
}
interface ExpressApp {
  use(path: string, ...handlers: unknown[]): ExpressApp;
  use(...handlers: unknown[]): ExpressApp;
  get(path: string, handler: unknown): ExpressApp;
  listen(port: number, host: string, ready: () => void): Server;
}
interface ExpressModule {
  (): ExpressApp;
  json(options?: { type?: string }): Handler;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped, see above
const express = require('express') as ExpressModule;

const RPC_PATH = '/a2a/jsonrpc';
const CARD_PATH = '/.well-known/agent-card.json';
const PUSH_PATH = '/push-callback';

/**
 * A real A2A agent built with the official SDK (`DefaultRequestHandler` + the Express JSON-RPC and
 * agent-card handlers) on 127.0.0.1. A `1.0` agent answers A2A 1.0 only (`A2A-Version: 1.0`
 * required, as the SDK does); a `0.3` agent serves a 0.3-shaped card and answers 0.3 JSON-RPC
 * only, through the SDK's compat layer. It echoes text, streams task chunks, runs a cancellable
 * long task (see `A2aAgentExecutor`), records every request with its headers, and tells when the
 * upstream side of a response was closed before the agent finished writing it.
 */
export class A2aAgentServer {
  readonly requests: A2aAgentRequest[] = [];
  /** Paths of responses whose connection closed before the agent ended them. */
  readonly abortedResponses: string[] = [];
  /** Push notifications received at `pushCallbackUrl`, in order. */
  readonly pushes: A2aPushDelivery[] = [];
  private readonly executor: A2aAgentExecutor;
  private http?: Server;
  private port = 0;

  constructor(private readonly options: A2aAgentOptions = {}) {
    this.executor = new A2aAgentExecutor({ chunkDelayMs: options.chunkDelayMs });
  }

  get protocol(): A2aProtocolLine {
    return this.options.protocol ?? '1.0';
  }

  get name(): string {
    return this.options.name ?? 'echo-agent';
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The JSON-RPC endpoint the card advertises. */
  get url(): string {
    return `${this.origin}${RPC_PATH}`;
  }

  get cardUrl(): string {
    return `${this.origin}${CARD_PATH}`;
  }

  /** A webhook on the agent itself that records push notifications (under the agent's origin). */
  get pushCallbackUrl(): string {
    return `${this.origin}${PUSH_PATH}`;
  }

  /** Where the `llm` command sends chat completions (typically the gateway, with a user key). */
  useLlm(target: A2aLlmTarget): void {
    this.executor.llm = target;
  }

  /** Task ids finished / cancelled at the agent. */
  get tasks(): A2aTaskLog {
    return this.executor.log;
  }

  /** JSON-RPC methods received, in order. */
  get methods(): string[] {
    return this.requests.flatMap((request) => (request.method ? [request.method] : []));
  }

  async start(): Promise<string> {
    const app = express();
    const card = this.coreCard();
    const legacy = this.protocol === '0.3';
    const handler = this.requestHandler(card, legacy);
    app.use(express.json(), (req: ExpressRequest, res: ServerResponse, next: Next) =>
      this.record(req, res, next),
    );
    // Push notifications come as `application/a2a+json`, which the JSON parser above skips.
    app.use(
      PUSH_PATH,
      express.json({ type: '*/*' }),
      (req: ExpressRequest, res: ServerResponse) => {
        this.pushes.push({ headers: { ...req.headers }, body: req.body });
        res.statusCode = 200;
        res.end();
      },
    );
    if (legacy) app.get(CARD_PATH, this.legacyCardRoute());
    else app.use(CARD_PATH, agentCardHandler({ agentCardProvider: handler, cache: { maxAge: 0 } }));
    app.use(
      RPC_PATH,
      (req: ExpressRequest, res: ServerResponse, next: Next) => this.authorize(req, res, next),
      jsonRpcHandler({
        requestHandler: handler,
        userBuilder: UserBuilder.noAuthentication,
        legacyCompat: { enabled: legacy },
      }),
    );
    await new Promise<void>((resolve) => {
      this.http = app.listen(this.port, '127.0.0.1', resolve);
    });
    this.port = (this.http!.address() as AddressInfo).port;
    for (const face of card.supportedInterfaces) face.url = this.url;
    return this.url;
  }

  async stop(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    this.executor.halt();
    http?.closeAllConnections();
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  /** Resolves once `predicate` holds (polled); rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`${this.name}: condition not met in time`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Headers of the last JSON-RPC request with `method` (any method when omitted). */
  lastHeaders(method?: string): IncomingHttpHeaders | undefined {
    const matching = this.requests.filter((r) => r.method && (!method || r.method === method));
    return matching.at(-1)?.headers;
  }

  private record(req: ExpressRequest, res: ServerResponse, next: Next): void {
    const body = req.body;
    const method =
      body && typeof body === 'object' && 'method' in body && typeof body.method === 'string'
        ? body.method
        : undefined;
    // Routers rewrite req.path as they mount: keep the full one.
    const path = req.path;
    this.requests.push({ path, method, headers: { ...req.headers }, body });
    res.on('close', () => {
      if (!res.writableEnded) this.abortedResponses.push(path);
    });
    next();
  }

  private authorize(req: ExpressRequest, res: ServerResponse, next: Next): void {
    const token = this.options.token;
    if (!token || req.headers.authorization === `Bearer ${token}`) return next();
    res.statusCode = 401;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ error: 'unauthorized' }));
  }

  /** A 0.3 agent with push on delivers 0.3-shaped notifications, as the SDK's compat layer does. */
  private requestHandler(card: AgentCard, legacy: boolean): DefaultRequestHandler {
    const tasks = new InMemoryTaskStore();
    if (!this.push || !legacy) return new DefaultRequestHandler(card, tasks, this.executor);
    const store = new InMemoryPushNotificationStore();
    const sender = createLegacyAwarePushNotificationSender(store);
    return new DefaultRequestHandler(card, tasks, this.executor, undefined, store, sender);
  }

  private get push(): boolean {
    return this.options.pushNotifications ?? false;
  }

  private get inputModes(): string[] {
    return [...(this.options.inputModes ?? ['text/plain'])];
  }

  private skills(): AgentSkill[] {
    const specs = this.options.skills ?? [{ id: 'echo', name: 'Echo', tags: ['echo'] }];
    return specs.map((skill) => ({
      id: skill.id,
      name: skill.name,
      description: skill.description ?? `${skill.name} skill`,
      tags: [...(skill.tags ?? [])],
      examples: [],
      inputModes: [],
      outputModes: [],
      securityRequirements: [],
    }));
  }

  /** The SDK's (1.0-shaped) card; a 0.3 agent declares only a 0.3 JSON-RPC interface. */
  private coreCard(): AgentCard {
    return {
      name: this.name,
      description: this.options.description ?? `${this.name} (A2A ${this.protocol} test agent)`,
      supportedInterfaces: [
        {
          // Set once listening: the handler keeps this object and reads it per request.
          url: '',
          protocolBinding: 'JSONRPC',
          tenant: '',
          protocolVersion: this.protocol,
        },
      ],
      provider: { organization: 'RouteIQ tests', url: 'https://example.com' },
      version: '1.0.0',
      capabilities: { streaming: true, pushNotifications: this.push, extensions: [] },
      securitySchemes: {},
      securityRequirements: [],
      defaultInputModes: this.inputModes,
      defaultOutputModes: ['text/plain'],
      skills: this.skills(),
      signatures: [],
    };
  }

  /** The card as a 0.3 agent publishes it (A2A 0.3 `AgentCard`). */
  private legacyCardRoute(): (req: IncomingMessage, res: ServerResponse) => void {
    return (_req, res) => {
      const card = {
        protocolVersion: '0.3.0',
        name: this.name,
        description: this.options.description ?? `${this.name} (A2A 0.3 test agent)`,
        url: this.url,
        preferredTransport: 'JSONRPC',
        version: '1.0.0',
        capabilities: { streaming: true, pushNotifications: this.push },
        defaultInputModes: this.inputModes,
        defaultOutputModes: ['text/plain'],
        skills: this.skills().map(({ id, name, description, tags }) => ({
          id,
          name,
          description,
          tags,
        })),
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(card));
    };
  }
}
