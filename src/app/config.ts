/**
 * Configuration from the environment (and .env via dotenv), validated by one zod
 * schema. A bad value stops start-up with a sentence naming the variable.
 */
import { z } from 'zod';
import { parseDuration } from '../core/watch/duration.js';
import { UserError } from '../reply/errors.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0 || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** A yes/no switch; unset or empty means `fallback`. */
const switchedOn = (fallback: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      ctx.addIssue({ code: 'custom', message: `must be 1 or 0 (true/false), got "${v}"` });
      return z.NEVER;
    });

const flag = switchedOn(false);

const url = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v.replace(/\/+$/, '');
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, got "${v}"` });
      return z.NEVER;
    }
  });

export const configSchema = z.object({
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
  // --- watches ---
  /** SQLite file for watches and the alert outbox (default ./data/rblbot.db). */
  RBLBOT_DB: optionalString,
  /** Shortest /watch interval allowed, like 15m (the default) or 30s for demos. */
  RBLBOT_MIN_INTERVAL: optionalString.superRefine((v, ctx) => {
    if (v === undefined) return;
    try {
      parseDuration(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 30s, 15m, 1h or 1d, got "${v}"` });
    }
  }),
  /** Caps on watches (each address of a range counts). */
  RBLBOT_WATCH_MAX_PER_CHANNEL: positiveInt(300, 100_000),
  RBLBOT_WATCH_MAX_PER_WORKSPACE: positiveInt(2000, 1_000_000),
  // --- relay test ---
  RBLBOT_ALLOW_PRIVATE: flag,
  /** How long to wait for a TCP connection to a mail server. */
  RBLBOT_RELAY_CONNECT_TIMEOUT_MS: positiveInt(10_000, 120_000),
  /** How long to wait for each SMTP reply. */
  RBLBOT_RELAY_TIMEOUT_MS: positiveInt(20_000, 300_000),
  /** Relay tests one chat user may start per 10 minutes. */
  RBLBOT_RELAY_PER_USER: positiveInt(3, 1000),
  /** Name announced in EHLO; default: this machine's FQDN, else its address literal. */
  RBLBOT_RELAY_HELO: optionalString,
  /** Outside domain used for the relay attempts' addresses (default example.com). */
  RBLBOT_RELAY_EXTERNAL_DOMAIN: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined;
      const d = v.toLowerCase().replace(/\.$/, '');
      if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/.test(d)) {
        ctx.addIssue({ code: 'custom', message: `must be a domain name like example.net, got "${v}"` });
        return z.NEVER;
      }
      return d;
    }),
  // --- logging ---
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
});

export type AppConfig = z.output<typeof configSchema>;

export class ConfigError extends UserError {}

/** Validate an environment; throws ConfigError with one sentence per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const sentences = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'configuration');
    return `${name} ${issue.message.replace(/^Invalid option: expected one of /, 'must be one of ')}.`;
  });
  throw new ConfigError(`Bad configuration: ${sentences.join(' ')}`);
}
