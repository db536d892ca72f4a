/**
 * Child-process fixtures as one plain-JS file each, built once per test file with esbuild
 * (which tsx itself runs on): a replica then starts in a few hundred milliseconds instead
 * of seconds under tsx's loader, so tests that spawn several replicas stay quick. The
 * bundle sits under node_modules/.cache inside the package, where packageRoot() finds
 * data/ and package.json as it does for the real installation; npm packages stay imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const built = new Map<string, Promise<string>>();

/** Path of the runnable bundle of test/fixtures/<name>.ts. */
export function fixtureBundle(name: string): Promise<string> {
  let out = built.get(name);
  if (!out) {
    const outfile = path.resolve('node_modules/.cache/rblbot-fixtures', `${name}-${process.pid}.mjs`);
    out = build({
      entryPoints: [path.resolve('test/fixtures', `${name}.ts`)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'silent',
    }).then(() => outfile);
    built.set(name, out);
    process.once('exit', () => fs.rmSync(outfile, { force: true }));
  }
  return out;
}
