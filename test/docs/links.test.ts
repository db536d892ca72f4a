/**
 * The README is the front door and docs/ the reference: every relative link in them
 * (a file, or a #heading in a file) must resolve, as GitHub would resolve it. No network.
 */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { brokenLinks, githubSlug, headingAnchors, markdownLinks } from '../support/markdown-links.js';
import { packageRoot } from '../../src/core/package-root.js';

const root = packageRoot();
const docs = join(root, 'docs');
const files = [
  join(root, 'README.md'),
  ...readdirSync(docs)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(docs, f)),
];

describe('README.md and docs/', () => {
  it('have a docs/ folder with pages to check', () => {
    expect(files.length).toBeGreaterThan(5);
  });

  it('link only to files and headings that exist', () => {
    expect(brokenLinks(files, root)).toEqual([]);
  });

  it('link from the README to every page in docs/', () => {
    const readme = markdownLinks(readFileSync(join(root, 'README.md'), 'utf8')).map((l) => l.target.split('#')[0]);
    const index = markdownLinks(readFileSync(join(docs, 'README.md'), 'utf8')).map((l) => `docs/${l.target.split('#')[0]}`);
    const reachable = new Set([...readme, ...index]);
    const pages = readdirSync(docs)
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => `docs/${f}`);
    expect(pages.filter((p) => !reachable.has(p))).toEqual([]);
  });
});

describe('the link checker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rblbot-links-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the anchors GitHub makes', () => {
    expect(githubSlug('Set-up')).toBe('set-up');
    expect(githubSlug('2. Register the commands')).toBe('2-register-the-commands');
    expect(githubSlug('Transport: TCP first, UDP as the safety net')).toBe('transport-tcp-first-udp-as-the-safety-net');
    const anchors = headingAnchors(
      [
        '# /rbl and `rblbot check`: is it listed?',
        '## Notes',
        '## Notes',
        '```',
        '## Not a heading (in a code block)',
        '```',
        '### `RBLBOT_DB` and _emphasis_',
        '## [A link](x.md) in a heading',
        '<a id="custom-anchor"></a>',
      ].join('\n'),
    );
    expect([...anchors].sort()).toEqual(
      ['a-link-in-a-heading', 'custom-anchor', 'notes', 'notes-1', 'rbl-and-rblbot-check-is-it-listed', 'rblbot_db-and-emphasis'].sort(),
    );
  });

  it('finds links in prose, not in code', () => {
    const links = markdownLinks(
      ['See [a](a.md), ![b](img/b.png) and [c][ref].', '`[not](a-link.md)`', '```', '[not](either.md)', '```', '[ref]: c.md#part'].join('\n'),
    );
    expect(links).toEqual([
      { line: 1, target: 'a.md' },
      { line: 1, target: 'img/b.png' },
      { line: 6, target: 'c.md#part' },
    ]);
  });

  it('reports missing files, missing headings and absolute paths, and skips URLs', () => {
    mkdirSync(join(dir, 'docs'), { recursive: true });
    writeFileSync(join(dir, 'docs', 'page.md'), '# Page\n\n## A section\n');
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# Front door',
        '[ok](docs/page.md) [ok too](docs/page.md#a-section) [self](#front-door) [web](https://example.com/x.md#nope)',
        '[gone](docs/gone.md)',
        '[bad anchor](docs/page.md#no-such-section)',
        '[bad self](#nowhere)',
        '[absolute](/docs/page.md)',
      ].join('\n'),
    );
    expect(brokenLinks([join(dir, 'README.md')], dir)).toEqual([
      'README.md:3: docs/gone.md: no such file (docs/gone.md)',
      'README.md:4: docs/page.md#no-such-section: no heading #no-such-section in docs/page.md',
      'README.md:5: #nowhere: no heading #nowhere in README.md',
      'README.md:6: /docs/page.md: absolute paths do not resolve on GitHub; use a path relative to README.md',
    ]);
  });
});
