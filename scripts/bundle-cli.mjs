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
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
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

/**
 * Every module loaded on demand also imports the command line's own graph (src/cli/run.ts,
 * already loaded by then). Why: esbuild splits code shared between the entry and the
 * on-demand parts into one chunk per combination of parts that share it — 18 files for a
 * `rblbot check`, each resolved, read and compiled on its own. When every part shares the
 * whole entry graph, that graph is one chunk.
 */
const runModule = `${root}src/cli/run.ts`;
const lazyTargets = new Set();
const findLazyTargets = {
  name: 'find-lazy-targets',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind === 'dynamic-import') lazyTargets.add(path.resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts'));
      return undefined;
    });
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!lazyTargets.has(args.path) || args.path === runModule) return undefined;
      const source = readFileSync(args.path, 'utf8');
      return { contents: `${source}\nimport ${JSON.stringify(runModule)};\n`, loader: 'ts', resolveDir: path.dirname(args.path) };
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
  plugins: [findLazyTargets, keepLarge],
  // Bundled CommonJS packages (dotenv) require Node's built-in modules.
  banner: { js: "import { createRequire as __rblbotRequire } from 'node:module'; const require = __rblbotRequire(import.meta.url);" },
});
