#!/usr/bin/env node
/**
 * One-off import: turns the team's research file (../shared/reference/dnsbl-zones.json)
 * into the project's catalogue, data/zones.json, in the shape src/core/check/catalogue.ts
 * validates. Run it again when the research is refreshed:
 *   node scripts/import-reference.mjs ../shared/reference/dnsbl-zones.json > data/zones.json
 * The curation decisions (what is on by default, per-code severity, which zones a key
 * replaces) are made here, in one place, with the reason next to each.
 */
import { readFileSync } from 'node:fs';

const source = JSON.parse(readFileSync(process.argv[2] ?? '../shared/reference/dnsbl-zones.json', 'utf8'));

/** Zones covered by a superset we query instead (double counting, landscape pitfall 10). */
const SUPERSEDED = {
  'sbl.spamhaus.org': 'zen.spamhaus.org',
  'xbl.spamhaus.org': 'zen.spamhaus.org',
  'pbl.spamhaus.org': 'zen.spamhaus.org',
  'sbl-xbl.spamhaus.org': 'zen.spamhaus.org',
  'cbl.abuseat.org': 'zen.spamhaus.org',
  'dyna.spamrats.com': 'all.spamrats.com',
  'noptr.spamrats.com': 'all.spamrats.com',
  'spam.spamrats.com': 'all.spamrats.com',
  'auth.spamrats.com': 'all.spamrats.com',
  'z.mailspike.net': 'bl.mailspike.net',
  'uribl.spameatingmonkey.net': 'urired.spameatingmonkey.net',
  '<key>.black.mail.abusix.zone': '<key>.combined.mail.abusix.zone',
  '<key>.exploit.mail.abusix.zone': '<key>.combined.mail.abusix.zone',
  '<key>.dynamic.mail.abusix.zone': '<key>.combined.mail.abusix.zone',
};

/** Off by default for a reason other than a superset. */
const OFF = {
  'rep.mailspike.net': 'graded reputation that also answers for good senders; bl.mailspike.net carries its bad grades',
  'hostkarma.junkemailfilter.com': 'mixes allow, neutral and block answers and does not honour the RFC 5782 negative test',
};

/** Keys and the public zones a keyed zone replaces. */
const KEYS = {
  '<key>.zen.dq.spamhaus.net': {
    key: 'SPAMHAUS_DQS_KEY',
    replaces: ['zen.spamhaus.org', 'sbl.spamhaus.org', 'xbl.spamhaus.org', 'pbl.spamhaus.org', 'sbl-xbl.spamhaus.org', 'cbl.abuseat.org'],
  },
  '<key>.dbl.dq.spamhaus.net': { key: 'SPAMHAUS_DQS_KEY', replaces: ['dbl.spamhaus.org'] },
  '<key>.zrd.dq.spamhaus.net': { key: 'SPAMHAUS_DQS_KEY', replaces: [] },
  '<key>.authbl.dq.spamhaus.net': { key: 'SPAMHAUS_DQS_KEY', replaces: [] },
  '<key>.combined.mail.abusix.zone': { key: 'ABUSIX_KEY', replaces: [] },
  '<key>.black.mail.abusix.zone': { key: 'ABUSIX_KEY', replaces: [] },
  '<key>.exploit.mail.abusix.zone': { key: 'ABUSIX_KEY', replaces: [] },
  '<key>.dynamic.mail.abusix.zone': { key: 'ABUSIX_KEY', replaces: [] },
  '<key>.dblack.mail.abusix.zone': { key: 'ABUSIX_KEY', replaces: [] },
};

/** Zone-level list type corrections: collateral-damage and neighbourhood lists are policy (pitfall 12). */
const LIST_TYPE = {
  'dnsbl-2.uceprotect.net': 'policy',
  'dnsbl-3.uceprotect.net': 'policy',
  'nbl.0spam.org': 'policy',
};

/** Per-code severity inside mixed zones (ZEN carries PBL; SpamRATS all carries Dyna/NoPtr). */
const CODE_TYPE = {
  'zen.spamhaus.org': { '127.0.0.10': 'policy', '127.0.0.11': 'policy' },
  '<key>.zen.dq.spamhaus.net': { '127.0.0.10': 'policy', '127.0.0.11': 'policy' },
  'all.spamrats.com': { '127.0.0.36': 'policy', '127.0.0.37': 'policy' },
  '<key>.combined.mail.abusix.zone': { '127.0.0.11': 'policy', '127.0.0.12': 'policy' },
  'bl.mailspike.net': { '127.0.0.10': 'reputation', '127.0.0.11': 'reputation', '127.0.0.12': 'reputation' },
};

/** Only the kinds a mail admin's check should use (SURBL's IP entries are for IPs in message bodies, not senders). */
const KINDS = {
  'multi.surbl.org': ['domain'],
  'hostkarma.junkemailfilter.com': ['ipv4'],
};

const SPAMHAUS_FIX = {
  '127.255.255.252': 'The zone name is wrong or no longer exists: check the zone in your configuration.',
  '127.255.255.254':
    'Spamhaus refuses queries that reach it through a public or cloud DNS resolver: run your own recursive resolver (no forwarding), or set SPAMHAUS_DQS_KEY to use the free Data Query Service.',
  '127.255.255.255': 'Your resolver sent more queries than the free mirrors allow: use a DQS key (SPAMHAUS_DQS_KEY) or reduce the volume.',
  '127.255.255.250': 'The DQS key was rejected: check SPAMHAUS_DQS_KEY.',
  '127.255.255.251': 'The DQS key is disabled: check your Spamhaus account and SPAMHAUS_DQS_KEY.',
  '127.0.1.255': 'An IP address was sent to a domain-only list: this is a client bug, please report it.',
  '127.0.2.255': 'An IP address was sent to a domain-only list: this is a client bug, please report it.',
};
const RESOLVER_FIX =
  'The list refuses your resolver (a large shared or public resolver, or over its free quota): run your own recursive resolver without forwarding.';
const VALIDITY_FIX = 'Validity answers only registered resolvers: register yours with Validity or leave this list off.';

function fixFor(zone, code) {
  if (/spamhaus|abuseat/.test(zone)) return SPAMHAUS_FIX[code] ?? RESOLVER_FIX;
  if (/senderscore|bondedsender/.test(zone)) return VALIDITY_FIX;
  return RESOLVER_FIX;
}

/** "127.0.0.x" → "127.0.0.*"; "127.0.2.3..127.0.2.24" → "127.0.2.3-24"; descriptions → null. */
function codePattern(key) {
  const k = key.trim();
  if (/^127\.\d+\.\d+\.\d+$/.test(k)) return k;
  if (/^127(\.(\d+|[xX]|N))+$/.test(k)) return k.replace(/\.(x|X|N)(?=\.|$)/g, '.*');
  const range = /^(127\.\d+\.\d+)\.(\d+)\.\.\1\.(\d+)$/.exec(k);
  if (range) return `${range[1]}.${range[2]}-${range[3]}`;
  return null;
}

function template(url) {
  if (!url || /^n\/a/i.test(url)) return null;
  const first = url.split(/\s+/)[0];
  if (!/^(https?:|mailto:)/.test(first)) return null;
  return first.replace('<ip>', '{query}').replace('<domain>', '{query}');
}

const zones = [];
for (const z of source.zones) {
  if (z.zone.startsWith('(')) continue; // subscriber-specific names: nothing we can query
  const codes = [];
  const bits = [];
  const extraNotes = [];
  for (const [key, meaning] of Object.entries(z.returnCodes ?? {})) {
    const bit = /^bit (\d+)/.exec(key);
    if (bit) {
      bits.push({ bit: Number(bit[1]), meaning, ...(/informational/.test(meaning) ? { listType: 'reputation' } : {}) });
      continue;
    }
    const match = codePattern(key);
    if (!match) {
      extraNotes.push(`${key}: ${meaning}`);
      continue;
    }
    const listType = CODE_TYPE[z.zone]?.[match];
    codes.push({ match, meaning, ...(listType ? { listType } : {}) });
  }
  const refusals = [];
  let servfailMeansRefused = null;
  for (const [key, meaning] of Object.entries(z.errorCodes ?? {})) {
    if (key === 'SERVFAIL') {
      servfailMeansRefused = meaning;
      continue;
    }
    const match = codePattern(key.replace(/\s*\(.*\)$/, ''));
    if (!match) {
      extraNotes.push(`${key}: ${meaning}`);
      continue;
    }
    refusals.push({ match, meaning, fix: fixFor(z.zone, match) });
  }
  // IADB answers carry policy flags in the low octets; any of them means "accredited".
  if (z.zone === 'iadb.isipp.com') codes.push({ match: '127.0.*.*', meaning: 'accredited sender (IADB policy flags in the answer)' });
  // The hostkarma white code is an allow answer inside a reputation zone.
  if (z.zone === 'hostkarma.junkemailfilter.com') {
    for (const c of codes) {
      if (c.match === '127.0.0.1' || c.match === '127.0.0.5') c.listType = 'allow';
      if (c.match === '127.0.0.2') c.listType = 'block';
    }
  }
  const keyInfo = KEYS[z.zone];
  const superseded = SUPERSEDED[z.zone];
  const free = z.usage === 'free' || z.usage === 'free-low-volume';
  const active = z.status === 'active' || (z.status === 'active-legacy' && !superseded);
  let enabled = active && free && !superseded && !OFF[z.zone];
  let offReason = null;
  if (!enabled) {
    if (superseded) offReason = `covered by ${superseded}`;
    else if (OFF[z.zone]) offReason = OFF[z.zone];
    else if (keyInfo) offReason = `needs ${keyInfo.key}`;
    else if (!free) offReason = `${z.usage} (${z.usageNote ?? 'registration or subscription needed'})`;
    else offReason = `status ${z.status}: liveness not confirmed`;
  }
  if (keyInfo) enabled = !superseded; // on whenever its key is configured (unless covered by a keyed superset)
  const tp = z.testPoint ?? {};
  const kinds = KINDS[z.zone] ?? z.kinds;
  // RFC 5782 §5: 127.0.0.2 / 127.0.0.1 on IPv4 lists, ::FFFF:7F00:2 / ::FFFF:7F00:1 on
  // IPv6-only lists, TEST / INVALID on domain lists.
  const ipv6Only = kinds.includes('ipv6') && !kinds.includes('ipv4');
  const defaultPositive = kinds.includes('ipv4') ? '127.0.0.2' : ipv6Only ? '::ffff:7f00:2' : 'test';
  const defaultNegative = kinds.includes('ipv4') ? '127.0.0.1' : ipv6Only ? '::ffff:7f00:1' : 'invalid';
  const positive = typeof tp.positive === 'string' && !/\s/.test(tp.positive) ? tp.positive.toLowerCase() : defaultPositive;
  const negative = typeof tp.negative === 'string' && !/\s/.test(tp.negative) ? tp.negative.toLowerCase() : defaultNegative;
  zones.push({
    zone: z.zone,
    name: z.name,
    operator: z.operator,
    kinds,
    listType: LIST_TYPE[z.zone] ?? z.listType,
    status: z.status,
    usage: z.usage,
    usageNote: z.usageNote ?? null,
    enabled,
    offReason,
    ...(keyInfo ? { key: keyInfo.key } : {}),
    // Every field written out: rblbot trusts this file as it is (test/core/check/catalogue.test.ts checks it).
    replaces: keyInfo ? keyInfo.replaces : [],
    codes,
    ...(bits.length ? { bits } : {}),
    refusals,
    servfailMeansRefused,
    removalUrl: template(z.removalUrl),
    removalNote: z.removalUrl ?? null,
    lookupUrl: template(z.lookupUrl),
    testPoint: {
      honours: tp.honours ?? null,
      positive,
      negative: tp.honours === false ? null : negative,
    },
    notes: [z.notes, ...extraNotes].filter(Boolean).join(' ') || null,
  });
}

const defunct = source.defunct.map((d) => ({
  name: d.name,
  zones: d.zones.flatMap((z) => {
    const family = /^(.*)\/(.*)\.dnsbl\.net\.au$/.exec(z);
    return family ? [...family[1].split('/'), family[2]].map((p) => `${p}.dnsbl.net.au`) : [z];
  }),
  since: d.defunctSince,
  behaviour: d.behaviour,
}));

process.stdout.write(
  `${JSON.stringify({ about: 'rblbot zone catalogue, imported from the team research file by scripts/import-reference.mjs', zones, defunct }, null, 2)}\n`,
);
