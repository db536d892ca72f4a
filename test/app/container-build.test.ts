/**
 * The Dockerfile's two stages, replayed without Docker: the build stage gets exactly the files
 * its COPY lines name and must build; the runtime stage gets exactly what it copies from the
 * build stage and must run the CLI. A build script that reads a folder the Dockerfile does not
 * copy (scripts/ once) broke `docker build` while every other test stayed green.
 *
 * node_modules is linked from the checkout instead of installed (installing is npm's job and
 * takes a minute); everything else comes only through the Dockerfile's own lines.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');

interface Copy {
  sources: string[];
  destination: string;
  fromStage?: string;
}

/** Each stage's COPY lines, in order; `--from=` marks a copy out of an earlier stage. */
function copiesByStage(dockerfile: string): Copy[][] {
  const stages: Copy[][] = [];
  for (const raw of dockerfile.split('\n')) {
    const line = raw.trim();
    if (/^FROM\s/i.test(line)) stages.push([]);
    const copy = /^COPY\s+(.+)$/i.exec(line);
    if (!copy || stages.length === 0) continue;
    const words = copy[1]!.split(/\s+/);
    const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((word) => !word.startsWith('--'));
    stages[stages.length - 1]!.push({ sources: paths.slice(0, -1), destination: paths.at(-1)!, fromStage: from });
  }
  return stages;
}

/** Copies one COPY line's sources from `root` into `stage` (destinations are relative to WORKDIR). */
function applyCopy(copy: Copy, root: string, stage: string): void {
  for (const source of copy.sources) {
    const from = path.join(root, source.replace(/^\/app\/?/, ''));
    const into = copy.destination.endsWith('/') ? path.join(stage, copy.destination, path.basename(source)) : path.join(stage, copy.destination);
    cpSync(from, into, { recursive: true });
  }
}

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(path.join(repo, 'Dockerfile'), 'utf8');
  const [buildCopies = [], runtimeCopies = []] = copiesByStage(dockerfile);
  const folders: string[] = [];
  const stageFolder = (name: string): string => {
    const folder = mkdtempSync(path.join(tmpdir(), `rblbot-${name}-`));
    folders.push(folder);
    return folder;
  };
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it('has a build stage and a runtime stage that copies out of it', () => {
    expect(buildCopies.length).toBeGreaterThan(0);
    expect(runtimeCopies.some((copy) => copy.fromStage === 'build')).toBe(true);
  });

  it('builds from the files its build stage copies, and the runtime stage runs the CLI', async () => {
    const build = stageFolder('build');
    for (const copy of buildCopies) applyCopy(copy, repo, build);
    symlinkSync(path.join(repo, 'node_modules'), path.join(build, 'node_modules'), 'dir');
    await run('npm', ['run', 'build', '--silent'], { cwd: build, timeout: 110_000 }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`npm run build fails inside the build stage:\n${error.stderr ?? error.message}`);
    });

    const runtime = stageFolder('runtime');
    for (const copy of runtimeCopies.filter((each) => each.fromStage === 'build')) {
      const linked = copy.sources.some((source) => source.endsWith('node_modules'));
      if (linked) symlinkSync(path.join(repo, 'node_modules'), path.join(runtime, 'node_modules'), 'dir');
      else applyCopy(copy, build, runtime);
    }
    expect(existsSync(path.join(runtime, 'bin', 'rblbot.js'))).toBe(true);
    const help = await run(process.execPath, [path.join(runtime, 'bin', 'rblbot.js'), '--help'], { cwd: runtime });
    expect(help.stdout).toMatch(/rblbot check/);
    const zones = await run(process.execPath, [path.join(runtime, 'bin', 'rblbot.js'), 'zones', '--json'], { cwd: runtime });
    expect(JSON.parse(zones.stdout).active).toEqual(expect.arrayContaining([expect.objectContaining({ zone: expect.any(String) })]));
  }, 120_000);
});
