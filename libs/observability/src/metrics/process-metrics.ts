import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricRegistry } from './metric-registry';

const LOOP_RESOLUTION_MS = 20;
const LOOP_WINDOW_MS = 60_000;

/** Stops what `registerProcessMetrics` started (the event-loop monitor). */
export interface ProcessMetricsHandle {
  stop(): void;
}

/**
 * Registers the process and Node.js runtime metrics. Every value is read when a scrape or export
 * collects; nothing runs between collections but the native event-loop delay monitor.
 */
export function registerProcessMetrics(registry: MetricRegistry): ProcessMetricsHandle {
  const startTimeSeconds = Date.now() / 1000 - process.uptime();
  registry.observableCounter(
    {
      name: 'process.cpu.time',
      prometheusName: 'process_cpu_seconds_total',
      help: 'User and system CPU time spent by the process, in seconds.',
      unit: 's',
      labels: [],
    },
    (emit) => {
      const { user, system } = process.cpuUsage();
      emit((user + system) / 1e6);
    },
  );
  registry.gauge(
    {
      name: 'process.memory.usage',
      prometheusName: 'process_resident_memory_bytes',
      help: 'Resident set size of the process, in bytes.',
      unit: 'By',
      labels: [],
    },
    (emit) => emit(process.memoryUsage.rss()),
  );
  registry.gauge(
    {
      name: 'process.start_time',
      prometheusName: 'process_start_time_seconds',
      help: 'Start time of the process since the Unix epoch, in seconds.',
      unit: 's',
      labels: [],
    },
    (emit) => emit(startTimeSeconds),
  );
  registry.gauge(
    {
      name: 'v8js.memory.heap.used',
      prometheusName: 'nodejs_heap_used_bytes',
      help: 'V8 heap in use, in bytes.',
      unit: 'By',
      labels: [],
    },
    (emit) => emit(process.memoryUsage().heapUsed),
  );
  const loop = new RollingLoopDelay();
  registry.gauge(
    {
      name: 'nodejs.eventloop.delay.p99',
      prometheusName: 'nodejs_eventloop_lag_seconds',
      help: 'p99 event-loop delay over the last 1 to 2 minutes, in seconds.',
      unit: 's',
      labels: [],
    },
    (emit) => emit(loop.p99Seconds()),
  );
  return { stop: () => loop.stop() };
}

/**
 * A rolling p99 of the event-loop delay without a timer of ours. Two native monitors run with
 * staggered windows; a collection reads the older one, then resets any older than two windows, so
 * with regular scrapes the figure covers the last 1 to 2 minutes (and, with scrapes further apart,
 * the time since the previous one): a stall stays visible to several scrapes instead of vanishing
 * (reset per scrape) or being diluted forever (never reset). Node's monitor records the time
 * between its timer's ticks, so an idle loop reads the resolution: that is subtracted.
 */
export class RollingLoopDelay {
  private readonly monitors: Array<{ histogram: IntervalHistogram; since: number }> = [];

  constructor(private readonly now: () => number = Date.now) {
    this.monitors.push(this.startMonitor());
  }

  p99Seconds(): number {
    const oldest = this.monitors[0]!.histogram;
    const p99Ms = oldest.count === 0 ? 0 : oldest.percentile(99) / 1e6 - LOOP_RESOLUTION_MS;
    this.rotate();
    return Math.max(0, p99Ms) / 1000;
  }

  stop(): void {
    for (const monitor of this.monitors) monitor.histogram.disable();
  }

  private rotate(): void {
    const now = this.now();
    const first = this.monitors[0]!;
    if (this.monitors.length === 1 && now - first.since >= LOOP_WINDOW_MS) {
      this.monitors.push(this.startMonitor());
    }
    for (const monitor of this.monitors) {
      if (now - monitor.since >= 2 * LOOP_WINDOW_MS) {
        monitor.histogram.reset();
        monitor.since = now;
      }
    }
    this.monitors.sort((a, b) => a.since - b.since);
  }

  private startMonitor(): { histogram: IntervalHistogram; since: number } {
    const histogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    histogram.enable();
    return { histogram, since: this.now() };
  }
}
