/**
 * Bundles the `rblbot` command (src/cli.ts) into dist/cli/: one file for what every run
 * needs, and one chunk per part loaded on demand (each subcommand, the bot, each chat
 * adapter). Run by `npm run build` after tsc.
 *
 * Why: loading ~45 separate ES modules, and parsing CommonJS packages to find their
 * exports, took most of a one-IP check's time (bench/startup.bench.ts). Small pure
 * packages are bundled in; large, native or optional ones stay in node_modules and load
 * only where used (SQLite, the chat SDKs, the public suffix list, zod, the MIME parser).
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Packages bundled into the CLI: small, pure JavaScript, needed by a check. */
const BUNDLED = new Set(['ipaddr.js', 'p-limit', 'yocto-queue']);

const keepLarge = {
  name: 'keep-large-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

rmSync(`${root}dist/cli`, { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/cli.ts`],
  outdir: `${root}dist/cli`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [keepLarge],
  // Bundled CommonJS packages (dotenv) require Node's built-in modules.
  banner: { js: "import { createRequire as __rblbotRequire } from 'node:module'; const require = __rblbotRequire(import.meta.url);" },
});
