import { Injectable, Logger } from '@nestjs/common';
import { REQUEST_ID_HEADER, resolveRequestId, sendError } from '@routeiq/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { BackpressureConfig } from './backpressure.config';
import { HealthException } from './health.exception';

const HEALTH_PREFIX = '/_health/';
const OVER_CAPACITY_LOG_INTERVAL_MS = 10_000;

/**
 * Tracks in-flight requests, sheds load over `ROUTEIQ_MAX_CONCURRENT_REQUESTS`, and runs the drain
 * on SIGTERM: readiness turns 503 at once, idle keep-alive connections close, every response from
 * then on carries `Connection: close`, and the drain ends when no request is in flight (streams
 * included) or the deadline passes.
 */
@Injectable()
export class DrainService {
  private readonly logger = new Logger('Drain');
  private readonly maxInFlight: number;
  // One instance serves every refusal: an Error (and its stack) per refused request would make
  // shedding load cost more than it must, exactly when the process is busiest.
  private readonly overCapacity = HealthException.overCapacity();
  private draining = false;
  private inFlight = 0;
  private refused = 0;
  private refusedSinceLog = 0;
  private lastRefusalLog = Number.NEGATIVE_INFINITY;
  private idleWaiters: Array<() => void> = [];
  private server?: Server;

  constructor(config: BackpressureConfig) {
    this.maxInFlight =
      config.maxConcurrentRequests > 0 ? config.maxConcurrentRequests : Number.POSITIVE_INFINITY;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Requests refused with 503 `over_capacity` since start. */
  get refusedCount(): number {
    return this.refused;
  }

  /**
   * Puts a gate in front of the server's current `request` listeners: it counts requests (health
   * probes excluded) and refuses those over the limit before any listener, so before the app
   * reads a byte of the body. Call it once every other raw-server listener is attached: listeners
   * added later run outside the gate.
   */
  attach(server: Server): void {
    this.server = server;
    // An emitter cannot stop the other listeners of an event, and a refused request must not
    // reach the app: the listeners present now run behind the gate, in their order.
    const downstream = server.listeners('request') as RequestListener[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (!this.admit(req, res)) return;
      for (const listener of downstream) listener.call(server, req, res);
    });
  }

  /** Starts draining and resolves once idle or after `timeoutMs`; true when fully drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (!this.draining) {
      this.draining = true;
      this.server?.closeIdleConnections();
      this.logger.log(`draining: ${this.inFlight} request(s) in flight, deadline ${timeoutMs} ms`);
    }
    if (this.inFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<true>((resolve) => this.idleWaiters.push(() => resolve(true)));
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const drained = await Promise.race([idle, deadline]);
    clearTimeout(timer);
    if (!drained)
      this.logger.warn(`drain deadline passed with ${this.inFlight} request(s) in flight`);
    return drained;
  }

  /** Counts the request, or answers it with the refusal; false when refused. */
  private admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.url?.startsWith(HEALTH_PREFIX)) return true;
    if (this.draining) res.setHeader('connection', 'close');
    if (this.inFlight >= this.maxInFlight) {
      this.refuse(req, res);
      return false;
    }
    this.inFlight++;
    res.once('close', this.release);
    return true;
  }

  // A bound field, not a closure per request.
  private readonly release = (): void => {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  };

  private refuse(req: IncomingMessage, res: ServerResponse): void {
    this.refused++;
    this.refusedSinceLog++;
    const now = Date.now();
    if (now - this.lastRefusalLog >= OVER_CAPACITY_LOG_INTERVAL_MS) {
      this.logger.warn(
        `over capacity (limit ${this.maxInFlight} requests in flight): refused ${this.refusedSinceLog} request(s) with 503 since the last report`,
      );
      this.lastRefusalLog = now;
      this.refusedSinceLog = 0;
    }
    // The request-id listener sits behind the gate, so the refusal makes its own id the same way.
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    sendError(res, this.overCapacity, requestId);
  }
}
