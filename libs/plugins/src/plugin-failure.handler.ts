import type { Logger } from '@nestjs/common';
import { scrubSecrets } from '@routeiq/common';
import type { PluginHookName } from './plugin-capabilities';
import type { PluginSlot } from './plugin-slot';
import { asRefusal, PluginsException } from './plugins.exception';

/** A plugin failing on every request logs once a minute, with the number left out. */
const LOG_INTERVAL_MS = 60_000;

interface LogWindow {
  nextAt: number;
  suppressed: number;
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return scrubSecrets(text).slice(0, 500);
}

/** Applies a plugin's failure mode to an error one of its hooks threw. */
export class PluginFailureHandler {
  private readonly windows = new Map<string, LogWindow>();

  constructor(private readonly logger: Logger) {}

  /**
   * A refusal (a GatewayException, or an error shaped like one, from a plugin with `guardrail`)
   * is rethrown for the client, as is `abort` on the request path (`abortable`); everything else
   * is counted and logged, and `quarantine` takes the plugin out of service.
   */
  handle(slot: PluginSlot, hook: PluginHookName, error: unknown, abortable: boolean): void {
    const refusal = abortable ? asRefusal(error) : undefined;
    if (refusal) {
      if (slot.can('guardrail')) throw refusal;
      this.warnOnce(slot, 'refusal', 'threw a refusal without the "guardrail" capability');
    }
    slot.stats[hook]!.errors += 1;
    slot.lastError = `${hook}: ${describe(error)}`;
    if (slot.failureMode === 'quarantine') {
      slot.status = 'quarantined';
      this.logger.error(
        { plugin: slot.name, hook, err: describe(error) },
        `plugin "${slot.name}" failed in ${hook} and is quarantined: it is not called again`,
      );
      return;
    }
    this.logLimited(slot, hook, error);
    if (slot.failureMode === 'abort' && abortable) throw PluginsException.failed(slot.name, hook);
  }

  /** A plugin did something its capabilities do not allow: ignored, logged once. */
  warnOnce(slot: PluginSlot, kind: string, message: string): void {
    if (slot.warned.has(kind)) return;
    slot.warned.add(kind);
    this.logger.warn({ plugin: slot.name }, `plugin "${slot.name}" ${message}; ignored`);
  }

  private logLimited(slot: PluginSlot, hook: PluginHookName, error: unknown): void {
    const key = `${slot.name}\u0000${hook}`;
    const now = Date.now();
    const window = this.windows.get(key);
    if (window !== undefined && now < window.nextAt) {
      window.suppressed += 1;
      return;
    }
    const suppressed = window?.suppressed ?? 0;
    this.windows.set(key, { nextAt: now + LOG_INTERVAL_MS, suppressed: 0 });
    this.logger.error(
      { plugin: slot.name, hook, err: describe(error), ...(suppressed > 0 && { suppressed }) },
      `plugin "${slot.name}" failed in ${hook}`,
    );
  }
}
