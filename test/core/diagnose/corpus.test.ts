/**
 * Runs every bounce in test/fixtures/bounces through the diagnosis (no live lookups)
 * and asserts each field its <name>.expected.json states. Fields absent from the
 * expectation are not asserted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnoseBounce } from '../../support/diagnose.js';
import type { Diagnosis } from '../../../src/core/diagnose/types.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'bounces');

interface Expected {
  reason?: string;
  acceptableReasons?: string[];
  permanent?: boolean | null;
  replyCode?: string | number | null;
  status?: string | null;
  recipient?: string | null;
  remoteHost?: string | null;
  remoteIp?: string | null;
  senderIp?: string | null;
  lists?: string[];
  providerCode?: string | null;
  feedbackType?: string;
  recipients?: number | Expected[];
}

const fixtures = readdirSync(DIR)
  .filter((f) => /\.(eml|txt)$/.test(f))
  .map((f) => ({ file: f, expected: join(DIR, f.replace(/\.(eml|txt)$/, '.expected.json')) }))
  .filter((f) => {
    try {
      readFileSync(f.expected);
      return true;
    } catch {
      return false;
    }
  });

const lower = (v: string | null | undefined) => (v == null ? v : v.toLowerCase());

function assertFields(d: Diagnosis | undefined, e: Expected, where: string): void {
  expect(d, `${where}: no diagnosis`).toBeDefined();
  const got = d!;
  if (e.reason !== undefined) {
    const ok = e.acceptableReasons ?? [e.reason];
    expect(ok, `${where}: reason ${got.reason} (summary: ${got.summary}; diagnostic: ${got.diagnostic})`).toContain(got.reason);
  }
  if (e.permanent !== undefined) expect(got.permanent, `${where}: permanent`).toBe(e.permanent);
  if (e.replyCode !== undefined)
    expect(got.replyCode === null ? null : String(got.replyCode), `${where}: replyCode`).toBe(e.replyCode === null ? null : String(e.replyCode));
  if (e.status !== undefined) expect(got.status, `${where}: status`).toBe(e.status);
  if (e.recipient !== undefined) expect(lower(got.recipient), `${where}: recipient`).toBe(lower(e.recipient));
  if (e.remoteHost !== undefined) expect(lower(got.remote.host), `${where}: remoteHost`).toBe(lower(e.remoteHost));
  if (e.remoteIp !== undefined) expect(lower(got.remote.ip), `${where}: remoteIp`).toBe(lower(e.remoteIp));
  if (e.senderIp !== undefined) expect(lower(got.senderIp), `${where}: senderIp`).toBe(lower(e.senderIp));
  if (e.lists !== undefined) expect(got.lists.map((l) => l.zone).sort(), `${where}: lists`).toEqual([...e.lists].sort());
  if (e.providerCode !== undefined) expect(got.providerCode, `${where}: providerCode`).toBe(e.providerCode);
  if (e.feedbackType !== undefined) expect(got.feedbackType, `${where}: feedbackType`).toBe(e.feedbackType);
}

describe('bounce corpus', () => {
  it('has fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(0);
  });

  for (const f of fixtures) {
    it(f.file, async () => {
      const expected = JSON.parse(readFileSync(f.expected, 'utf8')) as Expected;
      const result = await diagnoseBounce(new Uint8Array(readFileSync(join(DIR, f.file))));
      expect(result.error, 'input refused').toBeUndefined();
      const ds = result.diagnoses;
      if (Array.isArray(expected.recipients)) {
        // "recipients": [] — not a bounce: no diagnosis at all.
        expect(ds.length, 'number of diagnoses').toBe(expected.recipients.length);
        for (const r of expected.recipients) {
          const d = ds.find((x) => lower(x.recipient) === lower(r.recipient));
          assertFields(d, r, `${f.file} [${r.recipient}]`);
        }
        return;
      }
      if (typeof expected.recipients === 'number') expect(ds.length, 'number of diagnoses').toBe(expected.recipients);
      const d = expected.recipient ? (ds.find((x) => lower(x.recipient) === lower(expected.recipient)) ?? ds[0]) : ds[0];
      assertFields(d, expected, f.file);
    });
  }
});
