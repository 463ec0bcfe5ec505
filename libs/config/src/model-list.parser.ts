import { createHash } from 'node:crypto';
import { childPath, isMapping } from './config-problems';
import { validateSection } from './config-rules';
import { DeploymentSchema, LitellmParamsSchema, ModelInfoSchema } from './config-schema';
import type {
  ConfigProblem,
  DeploymentConfig,
  LitellmParams,
  ModelInfo,
} from './gateway-config.types';

/** A deployment before its id is settled (ids depend on the whole list). */
interface DeploymentDraft {
  readonly path: string;
  readonly modelName: string;
  readonly litellmParams: LitellmParams;
  readonly info: Omit<ModelInfo, 'id'>;
  readonly explicitId?: string;
}

/** Params that may hold credentials: never hashed into a deployment id. */
const SECRET_PARAM = /(^|_)(api_key|secret|password|credentials?|token)(_|$)|_key$/;

/** Parses `model_list` (already `os.environ/`-resolved). Entries with problems are dropped. */
export function parseModelList(
  raw: unknown,
  problems: ConfigProblem[],
  warnings: string[],
): DeploymentConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push({ path: 'model_list', message: 'must be a list of deployments' });
    return [];
  }
  const drafts = raw.map((entry, i) =>
    parseDeployment(entry, childPath('model_list', i), problems, warnings),
  );
  const ids = assignIds(drafts, problems);
  return drafts.flatMap((draft, i) => (draft ? [toDeployment(draft, ids[i] ?? '')] : []));
}

function parseDeployment(
  entry: unknown,
  path: string,
  problems: ConfigProblem[],
  warnings: string[],
): DeploymentDraft | undefined {
  if (!isMapping(entry)) {
    problems.push({ path, message: 'must be a mapping with model_name and litellm_params' });
    return undefined;
  }
  const before = problems.length;
  const own = validateSection(DeploymentSchema, entry, path, problems);
  for (const key of Object.keys(own.extra)) warnings.push(`${path}: unknown key "${key}" ignored`);
  const params = isMapping(entry.litellm_params)
    ? validateSection(LitellmParamsSchema, entry.litellm_params, `${path}.litellm_params`, problems)
    : undefined;
  const info = validateSection(
    ModelInfoSchema,
    mappingOrEmpty(entry.model_info),
    `${path}.model_info`,
    problems,
  );
  const model = params?.values.model;
  if (model !== undefined && splitModel(model).upstreamModel === '') {
    problems.push({
      path: `${path}.litellm_params.model`,
      message: `must name a model after the provider prefix (got "${model}")`,
    });
  }
  if (problems.length > before || !params || model === undefined) return undefined;
  const { id, ...infoValues } = info.values;
  return {
    path,
    modelName: String(own.values.model_name),
    litellmParams: { ...params.values, model, extra: params.extra },
    info: { ...infoValues, extra: info.extra },
    explicitId: id,
  };
}

function mappingOrEmpty(value: unknown): Record<string, unknown> {
  return isMapping(value) ? value : {};
}

/** `anthropic/claude-3` → provider `anthropic`, upstream `claude-3`; a bare name is OpenAI's. */
export function splitModel(model: string): { provider: string; upstreamModel: string } {
  const slash = model.indexOf('/');
  if (slash < 0) return { provider: 'openai', upstreamModel: model };
  return { provider: model.slice(0, slash).toLowerCase(), upstreamModel: model.slice(slash + 1) };
}

/**
 * Explicit ids must be unique. Generated ids hash the deployment without its secrets; deployments
 * that differ only by key (several keys for one model) get an occurrence counter mixed in instead
 * of colliding.
 */
function assignIds(
  drafts: readonly (DeploymentDraft | undefined)[],
  problems: ConfigProblem[],
): string[] {
  const owner = new Map<string, string>();
  for (const draft of drafts) {
    if (draft?.explicitId === undefined) continue;
    const first = owner.get(draft.explicitId);
    if (first !== undefined) {
      problems.push({
        path: `${draft.path}.model_info.id`,
        message: `duplicate deployment id "${draft.explicitId}" (already used by ${first})`,
      });
    } else owner.set(draft.explicitId, draft.path);
  }
  return drafts.map((draft) => {
    if (!draft) return '';
    if (draft.explicitId !== undefined) return draft.explicitId;
    let occurrence = 1;
    let id = generatedId(draft, occurrence);
    while (owner.has(id)) id = generatedId(draft, ++occurrence);
    owner.set(id, draft.path);
    return id;
  });
}

/** First 16 hex chars of sha256 over model_name and litellm_params minus anything secret. */
export function generatedId(
  draft: Pick<DeploymentDraft, 'modelName' | 'litellmParams'>,
  occurrence = 1,
): string {
  const { extra, ...typed } = draft.litellmParams;
  const params = Object.fromEntries(
    Object.entries({ ...extra, ...typed }).filter(([key]) => !SECRET_PARAM.test(key)),
  );
  const material = [draft.modelName, params, ...(occurrence > 1 ? [occurrence] : [])];
  return createHash('sha256').update(stableStringify(material)).digest('hex').slice(0, 16);
}

/** JSON with sorted keys, so key order in the YAML does not change ids. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (isMapping(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function toDeployment(draft: DeploymentDraft, id: string): DeploymentConfig {
  return {
    modelName: draft.modelName,
    ...splitModel(draft.litellmParams.model),
    litellmParams: draft.litellmParams,
    modelInfo: { id, ...draft.info },
  };
}
