/**
 * A diagnoser names the lists of the catalogue it was built with (the user's zone file
 * included), and two diagnosers with different catalogues do not share anything.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadCatalogue } from '../../../src/core/check/catalogue.js';
import { createDiagnoser, type Diagnoser } from '../../../src/core/diagnose/index.js';

const bounce = '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using rbl.example.net';

async function namedZones(d: Diagnoser, text: string): Promise<string[]> {
  const result = await d.diagnose(text);
  return result.diagnoses.flatMap((x) => x.lists.map((l) => l.zone));
}

it('recognises a list from the user zone file, and only in the diagnoser built with it', async () => {
  const builtIn = createDiagnoser({ catalogue: loadCatalogue() });
  expect(await namedZones(builtIn, bounce)).not.toContain('rbl.example.net');
  expect(await namedZones(builtIn, '550 blocked using bl.spamcop.net')).toContain('bl.spamcop.net');

  const file = join(mkdtempSync(join(tmpdir(), 'rblbot-zones-')), 'zones.json');
  writeFileSync(file, JSON.stringify({ add: [{ zone: 'rbl.example.net', name: 'Our own list', kinds: ['ipv4'], listType: 'block' }] }));
  const own = createDiagnoser({ catalogue: loadCatalogue({ zonesFile: file }) });

  expect(await namedZones(own, bounce)).toEqual(['rbl.example.net']);
  const result = await own.diagnose(bounce);
  expect(result.diagnoses[0]!.lists[0]).toMatchObject({ zone: 'rbl.example.net', target: '203.0.113.5' });
  // The first diagnoser is unaffected: no state is shared between diagnosers.
  expect(await namedZones(builtIn, bounce)).not.toContain('rbl.example.net');
});
