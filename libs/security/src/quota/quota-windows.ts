import type { QuotaCalendarWindow } from './quota.types';

/** A fixed window [startMs, endMs). */
export interface WindowBounds {
  readonly startMs: number;
  readonly endMs: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * The calendar window holding `nowMs`, aligned to UTC boundaries: minute and hour on the clock,
 * day from 00:00 UTC, month from the 1st 00:00 UTC. Every replica computes the same window.
 */
export function calendarWindow(window: QuotaCalendarWindow, nowMs: number): WindowBounds {
  switch (window) {
    case 'minute':
      return fixed(nowMs, MINUTE_MS);
    case 'hour':
      return fixed(nowMs, HOUR_MS);
    case 'day':
      return fixed(nowMs, DAY_MS);
    case 'month': {
      const now = new Date(nowMs);
      const year = now.getUTCFullYear();
      const month = now.getUTCMonth();
      return { startMs: Date.UTC(year, month, 1), endMs: Date.UTC(year, month + 1, 1) };
    }
  }
}

function fixed(nowMs: number, sizeMs: number): WindowBounds {
  const startMs = Math.floor(nowMs / sizeMs) * sizeMs;
  return { startMs, endMs: startMs + sizeMs };
}

/** `Retry-After` seconds until `endMs`: rounded up, at least 1. */
export function secondsUntil(endMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((endMs - nowMs) / 1000));
}

/** OpenAI's reset duration format: `250ms`, `12s`, `6m0s`, `2h5m0s`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
