import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CatalogueError, loadCatalogue } from '../../../src/core/check/catalogue.js';
import { readCatalogueFile, readUserFile } from '../../../src/core/check/zone-schema.js';

const shipped = JSON.parse(readFileSync(new URL('../../../data/zones.json', import.meta.url), 'utf8')) as { zones: unknown[] };

describe('the shipped catalogue', () => {
  it('passes the full reader unchanged, so a run may take it as it is', () => {
    const read = readCatalogueFile(shipped);
    // No field is left for a default to fill, and zone names are already lower-case.
    expect(JSON.parse(JSON.stringify(read))).toEqual({ zones: shipped.zones, defunct: (shipped as unknown as { defunct: unknown[] }).defunct });
    expect(read.zones.every((z) => z.zone === z.zone.toLowerCase())).toBe(true);
  });

  it('records an RFC 5782 positive test point for every zone, in the form its kinds need', () => {
    for (const zone of readCatalogueFile(shipped).zones) {
      const positive = zone.testPoint.positive ?? '';
      if (zone.kinds.includes('ipv4')) expect(positive, zone.zone).toMatch(/^127\.0\.0\.\d+$/);
      else if (zone.kinds.includes('ipv6')) expect(positive, zone.zone).toBe('::ffff:7f00:2');
      else expect(positive, zone.zone).toMatch(/^[a-z0-9_.]+$/);
    }
  });

  it('loads from the package like a run does', () => {
    const catalogue = loadCatalogue();
    expect(catalogue.zones).toHaveLength(shipped.zones.length);
    expect(catalogue.activeFor('ipv4').map((z) => z.zone)).toContain('zen.spamhaus.org');
  });
});

describe('the zone reader', () => {
  it('fills defaults for what a user may leave out', () => {
    const { add } = readUserFile({ add: [{ zone: 'bl.example.net', name: 'Example', kinds: ['ipv4'], listType: 'block' }] });
    expect(add[0]).toMatchObject({ enabled: true, codes: [], refusals: [], replaces: [], removalUrl: null, testPoint: { positive: null } });
  });

  it.each([
    [
      { add: [{ zone: 'bl.example.net', name: 'x', kinds: ['ipv5'], listType: 'block' }] },
      /add\[0\] \(bl\.example\.net\): kinds\.0: must be one of ipv4, ipv6, domain/,
    ],
    [
      { add: [{ zone: 'bl.example.net', name: 'x', kinds: ['ipv4'], listType: 'block', codes: [{ match: '127.0.0', meaning: 'm' }] }] },
      /codes\.0\.match: must look like 127\.0\.0\.2/,
    ],
    [{ add: [{ zone: 'not a zone', name: 'x', kinds: ['ipv4'], listType: 'block' }] }, /add\[0\] \(not a zone\): zone: must be a DNS zone name/],
    [
      { add: [{ zone: 'bl.example.net', name: 'x', kinds: ['ipv4'], listType: 'block', removalUrl: 'javascript:alert(1)' }] },
      /removalUrl: must be an http\(s\) or mailto URL/,
    ],
    [{ add: [{ zone: 'bl.example.net', name: 'x', kinds: ['ipv4'], listType: 'block', colour: 'red' }] }, /colour: is not a known field/],
    [{ remove: ['zen.spamhaus.org'] }, /at remove: is not a known field/],
  ])('names the bad entry of %j', (file, message) => {
    expect(() => loadCatalogue({ zonesFile: writeTemp(file) })).toThrow(message);
    expect(() => loadCatalogue({ zonesFile: writeTemp(file) })).toThrow(CatalogueError);
  });
});

let files = 0;
function writeTemp(content: unknown): string {
  const path = join(tmpdir(), `rblbot-zones-${process.pid}-${files++}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}
