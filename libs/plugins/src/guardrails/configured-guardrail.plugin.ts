import { appliesTo, type GuardrailApplyTo, type GuardrailDirection } from './guardrail.types';
import { TextGuardrailPlugin } from './text-guardrail.plugin';

/** What every switchable guardrail's settings hold: `*_ENABLED` and `*_APPLY_TO`. */
export interface GuardrailSwitch {
  readonly enabled: boolean;
  readonly applyTo: GuardrailApplyTo;
}

/** A guardrail turned on by its `*_ENABLED` flag that checks the sides its `*_APPLY_TO` names. */
export abstract class ConfiguredGuardrailPlugin<
  S extends GuardrailSwitch,
> extends TextGuardrailPlugin {
  constructor(protected readonly settings: S) {
    super();
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  protected checks(direction: GuardrailDirection): boolean {
    return appliesTo(this.settings.applyTo, direction);
  }
}
