/**
 * The subcommands and services a blocklist check does not need, loaded together on
 * demand: in the bundled CLI (scripts/bundle-cli.mjs) they form one chunk, so that
 * `rblbot check` loads a handful of files instead of dozens (bench/startup.bench.ts).
 */
export { diagnoseCli } from './diagnose.js';
export { relayCli } from './relay.js';
export { discordRegisterCommand } from './discord-register.js';
export { buildServices } from '../app/services.js';
