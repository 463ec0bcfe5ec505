import { Injectable, Logger } from '@nestjs/common';
import { REQUEST_ID_HEADER, resolveRequestId, sendError } from '@routeiq/common';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { BackpressureConfig } from './backpressure.config';
import { HealthException } from './health.exception';

const HEALTH_PREFIX = '/_health/';
const OVER_CAPACITY_LOG_INTERVAL_MS = 10_000;
/**
 * How long no request may arrive before the drain closes idle keep-alive connections itself. A
 * balancer whose idle upstream timeout is shorter (config/nginx*.conf: 2 s) has closed its idle
 * sockets by then, so none is reused at the moment the gateway closes it.
 */
export const DRAIN_QUIET_MS = 3000;
const DRAIN_POLL_MS = 50;

/**
 * Tracks in-flight requests, sheds load over `ROUTEIQ_MAX_CONCURRENT_REQUESTS`, and runs the drain
 * on SIGTERM: readiness turns 503 at once and every response from then on carries
 * `Connection: close`; once no request is in flight (streams included) the listener closes, and
 * the drain ends when every connection has closed or the deadline passes.
 *
 * Idle keep-alive connections are never closed while requests may still come on them: a balancer
 * (nginx) that writes a POST into a socket the gateway is closing gets a reset and, the request
 * not being idempotent, answers the client with an error. They are left to close one by one after
 * their next answer (`Connection: close`) or by the balancer's own idle timeout, and closed here
 * only after no request has arrived for `DRAIN_QUIET_MS` (by then nginx has found the listener
 * closed and stopped choosing this replica, and its own idle timeout has closed its side of every
 * idle socket) or at the deadline; connections that still carry a
 * request no answer is being written for go after twice that quiet time.
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
  private lastArrival = 0;
  private connectionsClosed?: Promise<void>;
  private server?: Server;
  /** Connections accepted so far (while attached). */
  private accepted = 0;

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
    server.on('connection', () => this.accepted++);
  }

  /**
   * Starts draining and resolves once every request has finished and every connection closed, or
   * after `timeoutMs`; true when fully drained.
   */
  async drain(timeoutMs: number, quietMs = DRAIN_QUIET_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    if (!this.draining) {
      this.draining = true;
      this.lastArrival = Date.now();
      this.logger.log(`draining: ${this.inFlight} request(s) in flight, deadline ${timeoutMs} ms`);
    }
    const drained = (await this.untilIdle(deadline)) && (await this.untilClosed(deadline, quietMs));
    if (!drained) {
      this.logger.warn(`drain deadline passed with ${this.inFlight} request(s) in flight`);
    }
    return drained;
  }

  private async untilIdle(deadline: number): Promise<boolean> {
    if (this.inFlight === 0) return true;
    const idle = new Promise<true>((resolve) => this.idleWaiters.push(() => resolve(true)));
    return this.before(deadline, idle);
  }

  /** Stops accepting connections, then waits for the open ones to close (see the class note). */
  private async untilClosed(deadline: number, quietMs: number): Promise<boolean> {
    const server = this.server;
    if (!server) return true;
    this.connectionsClosed ??= closeListener(server, deadline, () => this.accepted);
    let closed = false;
    void this.connectionsClosed.then(() => (closed = true));
    while (!closed && Date.now() < deadline) {
      const quietFor = Date.now() - this.lastArrival;
      if (this.inFlight === 0 && quietFor >= quietMs) server.closeIdleConnections();
      // Still open with nothing in flight for twice as long: no answer is being written on them
      // (a client that stopped mid-request, a body never sent in full). They are dropped.
      if (this.inFlight === 0 && quietFor >= 2 * quietMs) server.closeAllConnections();
      const pause = Math.min(DRAIN_POLL_MS, deadline - Date.now());
      await this.before(Date.now() + pause, this.connectionsClosed);
    }
    return closed && this.inFlight === 0;
  }

  /** `promise`'s outcome, or false once `deadline` passes. */
  private async before(deadline: number, promise: Promise<unknown>): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    const result = await Promise.race([promise.then(() => true as const), late]);
    clearTimeout(timer);
    return result;
  }

  /** Counts the request, or answers it with the refusal; false when refused. */
  private admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.draining) {
      res.setHeader('connection', 'close');
      this.lastArrival = Date.now();
    }
    if (req.url?.startsWith(HEALTH_PREFIX)) return true;
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

/**
 * Closes the listening socket, then resolves once every connection has closed. Connections the
 * kernel has completed but the process has not accepted yet are reset when the socket closes: a
 * balancer that already wrote a POST into one answers its client with an error (nginx does not
 * resend a POST). The socket is therefore closed in the check phase right after an event-loop
 * poll that accepted nothing, so nothing waits unaccepted but what arrives within those
 * microseconds; a poll that did accept makes it wait for the next one (up to `deadline`).
 */
function closeListener(server: Server, deadline: number, accepted: () => number): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = accepted();
    const attempt = (): void => {
      if (accepted() !== seen && Date.now() < deadline) {
        seen = accepted();
        setImmediate(attempt);
        return;
      }
      // net.Server's close, not http.Server's: the latter also drops idle keep-alive connections.
      if (server.listening) NetServer.prototype.close.call(server, () => resolve());
      else resolve();
    };
    setImmediate(attempt);
  });
}
