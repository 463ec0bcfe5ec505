import { Injectable } from '@nestjs/common';
import { type DeploymentUsage, DeploymentUsageStore } from '@routeiq/coordination';
import type { DeploymentMetrics } from '../strategies/routing-strategy';

/**
 * Weight of the newest sample in the latency and TTFT averages. 0.3 forgets a sample's influence
 * to under 3% after ten answers: a deployment that slows down stops winning within a few
 * requests, while one slow answer moves the average by less than a third of the difference.
 */
export const LATENCY_EWMA_ALPHA = 0.3;

/** How an upstream call ended, for `DeploymentMetricsService.end`. */
export interface CallOutcome {
  readonly ok: boolean;
  /** From `begin` to the end of the call (for a stream: its last byte), ms. */
  readonly latencyMs: number;
  /** Prompt plus completion tokens the upstream reported (0 when unknown). */
  readonly tokens: number;
  /** The call hit its timeout: its elapsed time still counts, as a penalty. */
  readonly timedOut?: boolean;
  /**
   * A streamed call: its duration is the answer's length more than the deployment's speed, so it
   * does not feed the latency average (its first byte went to `firstByte`). Timeouts still do.
   */
  readonly stream?: boolean;
}

/** One row of `GET /router/info`'s deployment load. */
export interface DeploymentLoadSnapshot {
  deployment: string;
  in_flight: number;
  latency_ms: number | null;
  ttft_ms: number | null;
}

interface DeploymentLoad {
  inFlight: number;
  /** NaN until the first sample: keeps the field a number for V8. */
  latencyEwma: number;
  ttftEwma: number;
}

/**
 * What routing strategies read about deployments. In-flight counts and latency averages are this
 * replica's own (a replica routes by what it sees, as LiteLLM's per-process router does); rpm/tpm
 * usage is every replica's, through the coordination lib's `DeploymentUsageStore`. Every method is
 * synchronous and in memory: it runs on the request path.
 */
@Injectable()
export class DeploymentMetricsService implements DeploymentMetrics {
  private readonly loads = new Map<string, DeploymentLoad>();

  constructor(private readonly usageStore: DeploymentUsageStore) {}

  inFlight(deploymentId: string): number {
    return this.loads.get(deploymentId)?.inFlight ?? 0;
  }

  latencyMs(deploymentId: string): number | undefined {
    return definedOrUndefined(this.loads.get(deploymentId)?.latencyEwma);
  }

  ttftMs(deploymentId: string): number | undefined {
    return definedOrUndefined(this.loads.get(deploymentId)?.ttftEwma);
  }

  usage(deploymentId: string): DeploymentUsage {
    return this.usageStore.current(deploymentId, Date.now());
  }

  /** An upstream call starts: one more in flight, one more request this minute. */
  begin(deploymentId: string, now: number): void {
    this.load(deploymentId).inFlight++;
    this.usageStore.addRequest(deploymentId, now);
  }

  /** A stream's first content byte arrived `ttftMs` after `begin`. */
  firstByte(deploymentId: string, ttftMs: number): void {
    if (!isSample(ttftMs)) return;
    const load = this.load(deploymentId);
    load.ttftEwma = ewma(load.ttftEwma, ttftMs);
  }

  /**
   * An upstream call ended. Successes feed the latency average; timeouts feed it their elapsed
   * time as a penalty (and the TTFT average, once there is one), so a deployment that stops
   * answering stops winning. Other failures do not: a fast error would make a broken deployment
   * look fast (cooldowns and breakers deal with those).
   */
  end(deploymentId: string, outcome: CallOutcome, now: number): void {
    const load = this.load(deploymentId);
    if (load.inFlight > 0) load.inFlight--;
    if (isSample(outcome.latencyMs)) {
      if (outcome.timedOut) {
        load.latencyEwma = ewma(load.latencyEwma, outcome.latencyMs);
        if (!Number.isNaN(load.ttftEwma)) load.ttftEwma = ewma(load.ttftEwma, outcome.latencyMs);
      } else if (outcome.ok && !outcome.stream) {
        load.latencyEwma = ewma(load.latencyEwma, outcome.latencyMs);
      }
    }
    if (outcome.tokens > 0 && Number.isFinite(outcome.tokens)) {
      this.usageStore.addTokens(deploymentId, outcome.tokens, now);
    }
  }

  /** Every deployment this replica has called, for `GET /router/info`. */
  snapshot(): DeploymentLoadSnapshot[] {
    const rows: DeploymentLoadSnapshot[] = [];
    for (const [deployment, load] of this.loads) {
      rows.push({
        deployment,
        in_flight: load.inFlight,
        latency_ms: roundedOrNull(load.latencyEwma),
        ttft_ms: roundedOrNull(load.ttftEwma),
      });
    }
    return rows;
  }

  private load(deploymentId: string): DeploymentLoad {
    let load = this.loads.get(deploymentId);
    if (!load) {
      load = { inFlight: 0, latencyEwma: NaN, ttftEwma: NaN };
      this.loads.set(deploymentId, load);
    }
    return load;
  }
}

function ewma(previous: number, sample: number): number {
  return Number.isNaN(previous)
    ? sample
    : LATENCY_EWMA_ALPHA * sample + (1 - LATENCY_EWMA_ALPHA) * previous;
}

function isSample(ms: number): boolean {
  return Number.isFinite(ms) && ms >= 0;
}

function definedOrUndefined(value: number | undefined): number | undefined {
  return value === undefined || Number.isNaN(value) ? undefined : value;
}

function roundedOrNull(value: number): number | null {
  return Number.isNaN(value) ? null : Math.round(value * 100) / 100;
}
