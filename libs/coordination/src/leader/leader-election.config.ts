import { registerAs } from '@nestjs/config';
import { ConfigValidationError, validateEnv } from '@routeiq/config';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { coordinationConfigFromEnv } from '../coordination.config';

/** `single`: every replica acts as the leader of its own; `leader_election`: one leader on Redis. */
export const HA_MODES = ['single', 'leader_election'] as const;
export type HaMode = (typeof HA_MODES)[number];

export const DEFAULT_HA_MODE: HaMode = 'single';
export const DEFAULT_LEASE_SECONDS = 10;

/** The HA variables as set in the environment, validated at boot. */
export class LeaderElectionEnvironment {
  @IsIn(HA_MODES, { message: `must be one of: ${HA_MODES.join(', ')}` })
  haMode!: string;

  @IsInt({ message: 'must be a whole number of seconds' })
  @Min(1)
  @Max(3600)
  leaseSeconds!: number;
}

/** Leader election settings (also the DI token). */
export class LeaderElectionConfig {
  readonly haMode: HaMode;
  readonly leaseSeconds: number;

  constructor(init: { readonly haMode?: HaMode; readonly leaseSeconds?: number }) {
    this.haMode = init.haMode ?? DEFAULT_HA_MODE;
    this.leaseSeconds = init.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  }
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads `LLMROUTER_HA_MODE` (default `single`) and `LLMROUTER_CONFIG_SYNC_LEASE_SECONDS`
 * (default 10). `leader_election` needs Redis (`REDIS_URL` or `REDIS_HOST`).
 * @throws ConfigValidationError naming every bad variable.
 */
export function leaderElectionConfigFromEnv(env: Environment): LeaderElectionConfig {
  const mode = env.LLMROUTER_HA_MODE?.trim().toLowerCase() || DEFAULT_HA_MODE;
  const leaseText = env.LLMROUTER_CONFIG_SYNC_LEASE_SECONDS?.trim();
  const raw = validateEnv(
    LeaderElectionEnvironment,
    { haMode: mode, leaseSeconds: leaseText ? Number(leaseText) : DEFAULT_LEASE_SECONDS },
    { haMode: 'LLMROUTER_HA_MODE', leaseSeconds: 'LLMROUTER_CONFIG_SYNC_LEASE_SECONDS' },
  );
  const haMode = raw.haMode as HaMode;
  if (haMode === 'leader_election' && coordinationConfigFromEnv(env).redisUrl === undefined) {
    throw new ConfigValidationError(
      [
        {
          path: 'LLMROUTER_HA_MODE',
          message:
            'leader_election needs Redis: set REDIS_URL (or REDIS_HOST, REDIS_PORT, ' +
            'REDIS_PASSWORD), or set LLMROUTER_HA_MODE=single for one replica',
        },
      ],
      'environment',
    );
  }
  return new LeaderElectionConfig({ haMode, leaseSeconds: raw.leaseSeconds });
}

export const leaderElectionConfig = registerAs('leaderElection', () =>
  leaderElectionConfigFromEnv(process.env),
);
