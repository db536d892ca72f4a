/**
 * Which chat platforms the configuration asks for, decided before anything starts: a
 * platform is either complete (it starts) or absent (nothing about it is said). A partial
 * setup — a bot token without its partner, an app id alone — stops start-up naming what
 * is missing, rather than quietly falling back to the console.
 */
import { ConfigError, type AppConfig } from './config.js';

export type SlackMode = 'socket' | 'http';
export type DiscordMode = 'gateway' | 'http';

export interface PlatformPlan {
  readonly slack: SlackMode | null;
  readonly discord: DiscordMode | null;
}

type SlackKeys = Pick<AppConfig, 'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_SIGNING_SECRET'>;
type DiscordKeys = Pick<AppConfig, 'DISCORD_TOKEN' | 'DISCORD_APP_ID' | 'DISCORD_PUBLIC_KEY'>;

/** Socket Mode with an app token, HTTP mode with only a signing secret; null when Slack is not asked for. */
export function slackModeOf(config: SlackKeys): SlackMode | null {
  if (config.SLACK_APP_TOKEN) return 'socket';
  if (config.SLACK_SIGNING_SECRET) return 'http';
  return null;
}

/** HTTP interactions with a public key (the token then only posts alerts), else the gateway with a token. */
export function discordModeOf(config: DiscordKeys): DiscordMode | null {
  if (config.DISCORD_PUBLIC_KEY) return 'http';
  if (config.DISCORD_TOKEN) return 'gateway';
  return null;
}

/** Throws ConfigError naming the missing variable when a platform is only partly configured. */
export function planPlatforms(config: SlackKeys & DiscordKeys): PlatformPlan {
  const problems: string[] = [];
  const slack = slackModeOf(config);
  if (slack && !config.SLACK_BOT_TOKEN) {
    problems.push(
      `SLACK_BOT_TOKEN is missing: ${slack === 'socket' ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET'} is set, and Slack also needs the "Bot User OAuth Token" (xoxb-…) from your Slack app's OAuth & Permissions page.`,
    );
  } else if (!slack && config.SLACK_BOT_TOKEN) {
    problems.push(
      'SLACK_BOT_TOKEN is set, but Slack also needs SLACK_APP_TOKEN (Socket Mode: an app-level token, xapp-…, with connections:write) or SLACK_SIGNING_SECRET (HTTP mode: Basic Information → App Credentials).',
    );
  }
  const discord = discordModeOf(config);
  if (!discord && config.DISCORD_APP_ID) {
    problems.push(
      'DISCORD_APP_ID is set, but Discord also needs DISCORD_TOKEN (the bot token, Developer Portal → Bot) to connect, or DISCORD_PUBLIC_KEY for HTTP interactions.',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems.join(' '));
  return { slack, discord };
}
