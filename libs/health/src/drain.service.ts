import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const HEALTH_PREFIX = '/_health/';

/**
 * Tracks in-flight requests and runs the drain on SIGTERM: readiness turns 503 at once, idle
 * keep-alive connections close, every response from then on carries `Connection: close`, and the
 * drain ends when no request is in flight (streams included) or the deadline passes.
 */
@Injectable()
export class DrainService {
  private readonly logger = new Logger('Drain');
  private draining = false;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private server?: Server;

  get isDraining(): boolean {
    return this.draining;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  /** Counts requests on the raw server (health probes excluded), before any routing. */
  attach(server: Server): void {
    this.server = server;
    // First listener: the app may answer synchronously, and the drain header must go out with it.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) =>
      this.track(req, res),
    );
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

  private track(req: IncomingMessage, res: ServerResponse): void {
    if (req.url?.startsWith(HEALTH_PREFIX)) return;
    if (this.draining) res.setHeader('connection', 'close');
    this.inFlight++;
    res.once('close', () => {
      this.inFlight--;
      if (this.inFlight === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
  }
}
