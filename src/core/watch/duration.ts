/**
 * Watch intervals as people write them: `30s`, `15m`, `1h`, `1d` (a whole number and a
 * unit; the long words work too). Kept in core so configuration (RBLBOT_MIN_INTERVAL)
 * and the /watch command read them the same way.
 */
import { UserError } from '../../reply/errors.js';
import { clip } from '../../reply/words.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const UNIT_ALIASES: Record<string, string> = {
  s: 's',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  m: 'm',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  h: 'h',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
};

/** One day in milliseconds: history periods and retention are whole days. */
export const DAY_MS = UNIT_MS.d!;
/** The longest interval accepted: a watch checked less than monthly is not watching. */
export const MAX_INTERVAL_MS = 30 * UNIT_MS.d!;
export const DEFAULT_INTERVAL_MS = UNIT_MS.h!;
export const DEFAULT_MIN_INTERVAL_MS = 15 * UNIT_MS.m!;

export class DurationError extends UserError {}

/** Parse "15m" → 900000. Throws DurationError with a sentence naming the accepted forms. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d{1,6})\s*([a-z]+)\s*$/i.exec(text);
  const unit = m ? UNIT_ALIASES[m[2]!.toLowerCase()] : undefined;
  if (!m || !unit) {
    throw new DurationError(`"${clip(text.trim(), 31)}" is not a duration; write a number and a unit, like 30s, 15m, 1h or 1d.`);
  }
  const ms = Number(m[1]) * UNIT_MS[unit]!;
  if (ms <= 0) throw new DurationError('A duration must be longer than zero, like 30s, 15m, 1h or 1d.');
  return ms;
}

/** 900000 → "15m", 5400000 → "1h 30m": the shortest exact form for replies. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000) * 1000;
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit]!;
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return parts.slice(0, 2).join(' ');
}
