#!/usr/bin/env node
/**
 * Entry point of the `rblbot` command (bin/rblbot.js, which `npm start` runs, loads the
 * bundled copy in dist/cli; tests run this file through tsx). Errors are one clear sentence, never a stack trace.
 */
import { runCli } from './cli/run.js';

// A reader that stops early (`rblbot history … | head`) closes the pipe: stop quietly, as
// other Unix tools do, rather than die on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

/**
 * The .env file in the working directory, if any; variables already set win. Node's own
 * reader (20.12+) rather than dotenv, which loads node:crypto and node:os on every run.
 */
function loadDotenv(): void {
  try {
    process.loadEnvFile('.env');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function main(): Promise<void> {
  loadDotenv();
  try {
    const code = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
    process.exitCode = code;
  } catch (err) {
    // Last resort: a bug, not bad input. Still one sentence, no stack trace unless asked.
    process.stderr.write(`rblbot: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.RBLBOT_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.exitCode = 1;
  }
}

await main();
