import {
  collect,
  parseDuration,
  parseLabel,
  parseList,
  parseOptionalId,
  parseOptionalNumber,
  type Parsed,
} from './form-validation';

/** The limits keys and teams share, as typed in a form. */
export interface GovernanceDraft {
  readonly models: string;
  readonly maxBudget: string;
  readonly budgetDuration: string;
  readonly rpmLimit: string;
  readonly tpmLimit: string;
}

export interface GovernanceFields {
  models: string[];
  max_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
}

/** A key's form: the shared limits plus its own fields. */
export interface KeyDraft extends GovernanceDraft {
  readonly alias: string;
  readonly teamId: string;
  /** Expiry as a duration from now (`30d`); empty keeps (or, on create, sets no) expiry. */
  readonly expiresIn: string;
}

export interface TeamDraft extends GovernanceDraft {
  readonly teamId: string;
  readonly alias: string;
}

export type Errors = Record<string, string | undefined>;
export type BodyResult =
  { body: Record<string, unknown>; errors: null } | { body: null; errors: Errors };

interface Limits {
  readonly models?: readonly string[];
  readonly max_budget?: number | null;
  readonly budget_duration?: string | null;
  readonly rpm_limit?: number | null;
  readonly tpm_limit?: number | null;
}

const text = (value: number | string | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

/** The form's starting values for an existing key or team (empty for a new one). */
export function governanceDraftOf(view?: Limits): GovernanceDraft {
  return {
    models: (view?.models ?? []).join(', '),
    maxBudget: text(view?.max_budget),
    budgetDuration: text(view?.budget_duration),
    rpmLimit: text(view?.rpm_limit),
    tpmLimit: text(view?.tpm_limit),
  };
}

function governanceFields(draft: GovernanceDraft) {
  return {
    max_budget: parseOptionalNumber(draft.maxBudget),
    budget_duration: parseDuration(draft.budgetDuration),
    rpm_limit: parseOptionalNumber(draft.rpmLimit, { integer: true }),
    tpm_limit: parseOptionalNumber(draft.tpmLimit, { integer: true }),
    models: { ok: true, value: parseList(draft.models) } as Parsed<string[]>,
  };
}

/**
 * `POST /key/generate` (`current` absent) or `/key/update` body. On create, empty fields are left
 * out; on update they are sent as null, which clears the limit.
 */
export function keyBody(draft: KeyDraft, current?: { token: string }): BodyResult {
  const parsed = collect({
    ...governanceFields(draft),
    key_alias: parseLabel(draft.alias),
    team_id: parseOptionalId(draft.teamId),
    duration: parseDuration(draft.expiresIn),
  });
  if (!parsed.values) return { body: null, errors: parsed.errors };
  const { duration, ...fields } = parsed.values;
  if (current) {
    return {
      body: { key: current.token, ...fields, ...(duration !== null && { duration }) },
      errors: null,
    };
  }
  return { body: withoutEmpty({ ...fields, duration }), errors: null };
}

/** `POST /team/new` (`current` absent) or `/team/update` body. */
export function teamBody(draft: TeamDraft, current?: { team_id: string }): BodyResult {
  const parsed = collect({
    ...governanceFields(draft),
    team_alias: parseLabel(draft.alias),
    team_id: parseOptionalId(draft.teamId),
  });
  if (!parsed.values) return { body: null, errors: parsed.errors };
  if (current) return { body: { ...parsed.values, team_id: current.team_id }, errors: null };
  return { body: withoutEmpty(parsed.values), errors: null };
}

function withoutEmpty(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(
      ([, value]) => value !== null && !(Array.isArray(value) && value.length === 0),
    ),
  );
}
