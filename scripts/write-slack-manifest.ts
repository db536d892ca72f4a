/**
 * `npm run manifest`: write manifest.yml (the Slack app manifest) from the command
 * definitions. `--check` exits 1 when the committed file is out of date instead.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../commands/index.js';
import { packageRoot } from '../src/core/package-root.js';
import { slackManifestYaml } from '../src/adapters/slack/manifest.js';
import { setCommandPrefix } from '../src/reply/command-names.js';

// The committed manifest.yml has the plain names; `RBLBOT_COMMAND_PREFIX=mail- npm run manifest -- --out my-manifest.yml`
// writes one with /mail-rbl, /mail-watch… for a workspace where the plain names are taken.
setCommandPrefix(process.env.RBLBOT_COMMAND_PREFIX?.trim() || undefined);
const outIndex = process.argv.indexOf('--out');
const file = outIndex > 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1]! : join(packageRoot(), 'manifest.yml');
const wanted = slackManifestYaml(commands);
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // missing counts as out of date
  }
  if (current !== wanted) {
    process.stderr.write('manifest.yml is out of date with commands/: run `npm run manifest`.\n');
    process.exit(1);
  }
} else {
  writeFileSync(file, wanted);
  process.stdout.write(`Wrote ${file} (${commands.length} slash commands).\n`);
}
