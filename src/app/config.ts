/**
 * Configuration from the environment (and a .env file, read by Node), validated by one table of
 * small parsers. A bad value stops start-up with a sentence naming the variable.
 *
 * Why not a schema library: every `rblbot` process reads this first, and loading zod and
 * building a schema cost more than a one-IP check's own work (bench/startup.bench.ts);
 * the variables are plain strings, numbers, switches, URLs and a duration.
 */
import { parseDuration } from '../core/watch/duration.js';
import { DEFAULT_HISTORY_DAYS } from '../core/watch/history.js';
import { DatabaseSettingError, parseDatabaseSetting } from '../core/watch/database-setting.js';
import { UserError } from '../reply/errors.js';
import { PREFIX_PATTERN } from '../reply/command-names.js';

/** A value's problem, as the end of "NAME must …". */
class Invalid extends Error {}

type Parse<T> = (raw: string | undefined) => T;

const optionalString: Parse<string | undefined> = (raw) => {
  const v = raw?.trim();
  return v === undefined || v === '' ? undefined : v;
};

const positiveInt =
  (fallback: number, max = Number.MAX_SAFE_INTEGER): Parse<number> =>
  (raw) => {
    const v = raw?.trim();
    if (v === undefined || v === '') return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0 || n > max) throw new Invalid(`must be a whole number from 1 to ${max}, got "${v}"`);
    return n;
  };

/** A yes/no switch; unset or empty means `fallback`. */
const switchedOn =
  (fallback: boolean): Parse<boolean> =>
  (raw) => {
    const v = raw?.trim();
    if (v === undefined || v === '') return fallback;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    throw new Invalid(`must be 1 or 0 (true/false), got "${v}"`);
  };

const url: Parse<string | undefined> = (raw) => {
  const v = optionalString(raw);
  if (v === undefined) return undefined;
  let protocol: string;
  try {
    protocol = new URL(v).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'http:' && protocol !== 'https:') throw new Invalid(`must be an http(s) URL, got "${v}"`);
  return v.replace(/\/+$/, '');
};

const duration: Parse<string | undefined> = (raw) => {
  const v = optionalString(raw);
  if (v === undefined) return undefined;
  try {
    parseDuration(v);
  } catch {
    throw new Invalid(`must be a duration like 30s, 15m, 1h or 1d, got "${v}"`);
  }
  return v;
};

/** A duration like 30s or 5m, in ms, within [min, max]; unset means `fallback`. */
const durationMs =
  (fallback: string, min: number, max: number): Parse<number> =>
  (raw) => {
    const v = raw?.trim();
    const text = v === undefined || v === '' ? fallback : v;
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch {
      throw new Invalid(`must be a duration like 30s, 5m or 1h, got "${text}"`);
    }
    if (ms < min || ms > max) throw new Invalid(`must be from ${min / 1000}s to ${max / 1000}s, got "${text}"`);
    return ms;
  };

/** host:port to listen on ("127.0.0.1:9464", "[::]:9464", ":9464" for every interface). */
const listenAddress: Parse<{ host: string; port: number } | undefined> = (raw) => {
  const v = optionalString(raw);
  if (v === undefined) return undefined;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new Invalid(`must be host:port like 127.0.0.1:9464 or [::1]:9464, got "${v}"`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
};

/** A SQLite file (default), sqlite:FILE, or a postgres:// URL. */
const databaseSetting: Parse<ReturnType<typeof parseDatabaseSetting>> = (raw) => {
  try {
    return parseDatabaseSetting(raw);
  } catch (err) {
    if (!(err instanceof DatabaseSettingError)) throw err;
    throw new Invalid(`is wrong: ${err.message.replace(/\.$/, '')}`);
  }
};

/** Lower-case letters, digits, - and _ (PREFIX_PATTERN); unset means none. */
const commandPrefix: Parse<string> = (raw) => {
  const v = raw?.trim() ?? '';
  if (!PREFIX_PATTERN.test(v)) throw new Invalid(`must be lower-case letters, digits, - and _ (at most 16), like mail-, got "${v}"`);
  return v;
};

const domainName: Parse<string | undefined> = (raw) => {
  const v = optionalString(raw);
  if (v === undefined) return undefined;
  const d = v.toLowerCase().replace(/\.$/, '');
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(d)) {
    throw new Invalid(`must be a domain name like example.net, got "${v}"`);
  }
  return d;
};

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const logLevel: Parse<(typeof LOG_LEVELS)[number]> = (raw) => {
  if (raw === undefined) return 'info';
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new Invalid(`must be one of ${LOG_LEVELS.map((l) => `"${l}"`).join('|')}`);
  return level;
};

/** Every variable rblbot reads, and how. */
const SPEC = {
  // --- checker ---
  /** Comma-separated host[:port] list; empty = the system resolver (/etc/resolv.conf). */
  RBLBOT_RESOLVERS: optionalString,
  RBLBOT_TIMEOUT_MS: positiveInt(4000, 60_000),
  /** Blocklist lookups over pipelined TCP to the resolver (UDP when it does not take TCP). */
  RBLBOT_DNS_TCP: switchedOn(true),
  /** JSON file adding zones or turning zones off. */
  RBLBOT_ZONES_FILE: optionalString,
  /** Lookups in flight at once across all checks. */
  RBLBOT_CONCURRENCY: positiveInt(1024, 100_000),
  /** Lookups per second per zone, across all checks. */
  RBLBOT_ZONE_RATE: positiveInt(500, 1_000_000),
  /** Addresses one chat user may check with /rbl per 10 minutes (a range counts each address). */
  RBLBOT_RBL_PER_USER: positiveInt(300, 100_000),
  SPAMHAUS_DQS_KEY: optionalString,
  ABUSIX_KEY: optionalString,
  // --- chat platforms ---
  SLACK_BOT_TOKEN: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: url,
  /** Comma-separated Slack user ids allowed to add/remove watches (besides workspace admins). */
  SLACK_ADMIN_IDS: optionalString,
  DISCORD_TOKEN: optionalString,
  DISCORD_APP_ID: optionalString,
  DISCORD_PUBLIC_KEY: optionalString,
  DISCORD_API_URL: url,
  PORT: positiveInt(3000, 65535),
  /** Put before every chat command's name (`mail-` → /mail-rbl, /mail-watch), where /help or /watch clash with other apps. */
  RBLBOT_COMMAND_PREFIX: commandPrefix,
  // --- watches ---
  /**
   * Where watches and the alert outbox live: a SQLite file (default ./data/rblbot.db, or
   * sqlite:FILE) for one process, or a postgres:// URL for several replicas sharing the work.
   */
  RBLBOT_DB: databaseSetting,
  /**
   * How long a replica's claim on work (a recheck, an alert, the Discord gateway) lasts
   * without a heartbeat: how soon another replica takes over from a dead one. Default 30s.
   */
  RBLBOT_LEASE: durationMs('30s', 3_000, 3_600_000),
  /** Shortest /watch interval allowed, like 15m (the default) or 30s for demos. */
  RBLBOT_MIN_INTERVAL: duration,
  /** Caps on watches (each address of a range counts). */
  RBLBOT_WATCH_MAX_PER_CHANNEL: positiveInt(300, 100_000),
  RBLBOT_WATCH_MAX_PER_WORKSPACE: positiveInt(2000, 1_000_000),
  /** Days of listing history kept (/watch history, rblbot history). */
  RBLBOT_HISTORY_DAYS: positiveInt(DEFAULT_HISTORY_DAYS, 3650),
  // --- operations ---
  /** host:port for GET /metrics (Prometheus) and GET /healthz; unset: off. */
  RBLBOT_METRICS_LISTEN: listenAddress,
  // --- relay test ---
  RBLBOT_ALLOW_PRIVATE: switchedOn(false),
  /** How long to wait for a TCP connection to a mail server. */
  RBLBOT_RELAY_CONNECT_TIMEOUT_MS: positiveInt(10_000, 120_000),
  /** How long to wait for each SMTP reply. */
  RBLBOT_RELAY_TIMEOUT_MS: positiveInt(20_000, 300_000),
  /** Relay tests one chat user may start per 10 minutes. */
  RBLBOT_RELAY_PER_USER: positiveInt(3, 1000),
  /** Name announced in EHLO; default: this machine's FQDN, else its address literal. */
  RBLBOT_RELAY_HELO: optionalString,
  /** Outside domain used for the relay attempts' addresses (default example.com). */
  RBLBOT_RELAY_EXTERNAL_DOMAIN: domainName,
  // --- logging ---
  LOG_LEVEL: logLevel,
} satisfies Record<string, Parse<unknown>>;

/** The names of every variable rblbot reads. */
export const CONFIG_NAMES: readonly string[] = Object.keys(SPEC);

export type AppConfig = { readonly [K in keyof typeof SPEC]: ReturnType<(typeof SPEC)[K]> };

export class ConfigError extends UserError {}

/** Validate an environment; throws ConfigError with one sentence per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const config: Record<string, unknown> = {};
  const sentences: string[] = [];
  for (const [name, parse] of Object.entries(SPEC) as [string, Parse<unknown>][]) {
    try {
      config[name] = parse(env[name]);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      sentences.push(`${name} ${err.message}.`);
    }
  }
  if (sentences.length > 0) throw new ConfigError(`Bad configuration: ${sentences.join(' ')}`);
  return config as AppConfig;
}
