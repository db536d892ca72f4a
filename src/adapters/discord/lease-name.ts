/** The lease that lets one replica at a time hold the Discord gateway connection (kept apart so that reading it loads no discord.js). */
export const GATEWAY_LEASE = 'discord-gateway';
