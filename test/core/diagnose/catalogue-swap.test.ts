/**
 * A user's zone file reaches diagnosis through useCatalogue, possibly after diagnosis
 * has already run on the built-in catalogue (module state): the user's own lists must
 * be recognised in bounces from then on.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadCatalogue } from '../../../src/core/check/catalogue.js';
import { diagnoseBounce, useCatalogue } from '../../../src/core/diagnose/index.js';

const bounce = '554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using rbl.example.net';

async function namedZones(text: string): Promise<string[]> {
  const result = await diagnoseBounce(text);
  return result.diagnoses.flatMap((d) => d.lists.map((l) => l.zone));
}

it('recognises a list from the user zone file once that catalogue is in use, even after earlier diagnoses', async () => {
  // Diagnosis on the built-in catalogue first, which builds its caches: the list is unknown.
  expect(await namedZones(bounce)).not.toContain('rbl.example.net');
  expect(await namedZones('550 blocked using bl.spamcop.net')).toContain('bl.spamcop.net');

  const file = join(mkdtempSync(join(tmpdir(), 'rblbot-zones-')), 'zones.json');
  writeFileSync(file, JSON.stringify({ add: [{ zone: 'rbl.example.net', name: 'Our own list', kinds: ['ipv4'], listType: 'block' }] }));
  useCatalogue(loadCatalogue({ zonesFile: file }));

  expect(await namedZones(bounce)).toEqual(['rbl.example.net']);
  const result = await diagnoseBounce(bounce);
  expect(result.diagnoses[0]!.lists[0]).toMatchObject({ zone: 'rbl.example.net', target: '203.0.113.5' });
});
