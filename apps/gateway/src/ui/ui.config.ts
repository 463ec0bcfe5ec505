import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { envBoolean, validateEnv } from '@routeiq/config';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { IsBoolean, IsNotEmpty, IsString } from 'class-validator';

/** The admin console's environment (also the DI token). */
export class UiConfig {
  /** `ROUTEIQ_UI_ENABLED` (default true): serve the console at `/ui`. */
  @IsBoolean({ message: 'must be true or false' })
  enabled!: boolean;

  /** `ROUTEIQ_UI_DIR`: the built console (default `<install>/dist/ui`, written by `npm run build`). */
  @IsString()
  @IsNotEmpty({ message: 'must not be empty' })
  dir!: string;
}

/**
 * The install root is the nearest directory above this file that holds a package.json: the
 * bundle runs from `dist/apps/gateway`, the sources (tests) from `apps/gateway/src/ui`.
 */
export function defaultUiDir(from: string = __dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist', 'ui');
    const parent = dirname(dir);
    if (parent === dir) return resolve('dist', 'ui');
    dir = parent;
  }
}

/** @throws ConfigValidationError naming the bad variable. */
export function resolveUiConfig(env: Readonly<Record<string, string | undefined>>): UiConfig {
  const dir = env.ROUTEIQ_UI_DIR?.trim();
  return validateEnv(
    UiConfig,
    { enabled: envBoolean(env.ROUTEIQ_UI_ENABLED, true), dir: dir ? resolve(dir) : defaultUiDir() },
    { enabled: 'ROUTEIQ_UI_ENABLED', dir: 'ROUTEIQ_UI_DIR' },
  );
}

export const uiConfig = registerAs('ui', () => resolveUiConfig(process.env));

export const uiConfigProvider: Provider = {
  provide: UiConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<UiConfig>('ui'),
  inject: [ConfigService],
};
