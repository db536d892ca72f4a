/**
 * Finds every blocklist a bounce names and maps it to a catalogue zone: exact zone
 * names ("blocked using zen.spamhaus.org"), loose names ("Spamhaus", "Barracuda
 * Reputation", "SpamCop", "SORBS"), lookup URLs (spamhaus.org/query/ip/…) and the
 * provider codes that stand for a public list (Yahoo BL21, Comcast BL000001, Cox IPBL0001).
 *
 * Matching is linear: the text is split into tokens once; loose names are simple
 * fixed-word regexes with no nested quantifiers.
 */
import type { CatalogueView } from './catalogue-view.js';
import type { NamedList } from './types.js';

interface Alias {
  /** Tested against the lower-cased text unless `cased`. */
  readonly re: RegExp;
  readonly zone: string;
  /** Lists of one family (Spamhaus, UCEPROTECT…): an exact zone name of the family wins over loose names. */
  readonly family: string;
  readonly cased?: boolean;
}

const ALIASES: readonly Alias[] = [
  // Spamhaus: the specific sub-lists first, then the generic name → ZEN.
  {
    re: /spamhaus[ '’s-]{0,3}(?:policy block list|pbl)\b|\bpbl\.spamhaus|\[bl21\]|550-bl21|\bpbl listing|\bon the pbl\b/,
    zone: 'pbl.spamhaus.org',
    family: 'spamhaus',
  },
  { re: /spamhaus[ '’s-]{0,3}(?:exploits? block list|xbl)\b|\[bl23\]|550-bl23/, zone: 'xbl.spamhaus.org', family: 'spamhaus' },
  { re: /spamhaus[ '’s-]{0,3}(?:block list|sbl|css)\b|\[bl22\]|spamhaus\.org\/sbl\b/, zone: 'sbl.spamhaus.org', family: 'spamhaus' },
  {
    re: /spamhaus[ '’s-]{0,3}(?:domain block list|dbl)\b|spamhaus\.org\/dbl|spamhaus\.org\/query\/domain/,
    zone: 'dbl.spamhaus.org',
    family: 'spamhaus',
  },
  { re: /spamhaus|\bbl000001\b|\bbl000011\b|\bipbl0001\b|\bbl006\b/, zone: 'zen.spamhaus.org', family: 'spamhaus' },
  { re: /\bCBL\b|abuseat\.org|composite block(?:ing)? list/, zone: 'cbl.abuseat.org', family: 'cbl', cased: false },
  { re: /spamcop/, zone: 'bl.spamcop.net', family: 'spamcop' },
  {
    re: /barracuda ?(?:reputation|central|rbl|block ?list)|barracudacentral|\bbrbl\b|barracudanetworks\.com\/reputation/,
    zone: 'b.barracudacentral.org',
    family: 'barracuda',
  },
  { re: /uceprotect[ -]{0,2}level[ -]{0,2}3|dnsbl-3\.uceprotect/, zone: 'dnsbl-3.uceprotect.net', family: 'uceprotect' },
  { re: /uceprotect[ -]{0,2}level[ -]{0,2}2|dnsbl-2\.uceprotect/, zone: 'dnsbl-2.uceprotect.net', family: 'uceprotect' },
  { re: /uceprotect/, zone: 'dnsbl-1.uceprotect.net', family: 'uceprotect' },
  { re: /\bsorbs\b/, zone: 'dnsbl.sorbs.net', family: 'sorbs' },
  { re: /nix ?spam|ix\.dnsbl\.manitu|\bmanitu\b/, zone: 'ix.dnsbl.manitu.net', family: 'nixspam' },
  { re: /\bpsbl\b|psbl\.org|surriel/, zone: 'psbl.surriel.com', family: 'psbl' },
  { re: /mailspike/, zone: 'bl.mailspike.net', family: 'mailspike' },
  { re: /backscatterer/, zone: 'ips.backscatterer.org', family: 'backscatterer' },
  { re: /rats-dyna\b/, zone: 'dyna.spamrats.com', family: 'spamrats' },
  { re: /rats-noptr\b/, zone: 'noptr.spamrats.com', family: 'spamrats' },
  { re: /rats-spam\b/, zone: 'spam.spamrats.com', family: 'spamrats' },
  { re: /spamrats/, zone: 'all.spamrats.com', family: 'spamrats' },
  { re: /dronebl/, zone: 'dnsbl.dronebl.org', family: 'dronebl' },
  { re: /abusix/, zone: '<key>.combined.mail.abusix.zone', family: 'abusix' },
  { re: /\b0spam\b|0spam\.org/, zone: 'bl.0spam.org', family: '0spam' },
  { re: /\bsurbl\b/, zone: 'multi.surbl.org', family: 'surbl' },
  { re: /\buribl\b|uribl\.com/, zone: 'multi.uribl.com', family: 'uribl' },
  { re: /sender ?score|\bbl000100\b|\bipbl0010\b/, zone: 'bl.score.senderscore.com', family: 'senderscore' },
  { re: /hostkarma|junkemailfilter/, zone: 'hostkarma.junkemailfilter.com', family: 'hostkarma' },
  { re: /spam ?eating ?monkey|\bsem-black\b/, zone: 'bl.spameatingmonkey.net', family: 'sem' },
  { re: /blocklist\.de/, zone: 'bl.blocklist.de', family: 'blocklistde' },
  { re: /\bs5h\.net|usenix\.org\.uk/, zone: 'all.s5h.net', family: 's5h' },
  { re: /justspam/, zone: 'dnsbl.justspam.org', family: 'justspam' },
  { re: /nordspam/, zone: 'bl.nordspam.com', family: 'nordspam' },
  { re: /virusfree\.cz/, zone: 'bip.virusfree.cz', family: 'virusfree' },
  { re: /lashback|unsubscore/, zone: 'ubl.unsubscore.com', family: 'lashback' },
  { re: /\bwpbl\b/, zone: 'db.wpbl.info', family: 'wpbl' },
  { re: /interserver/, zone: 'rbl.interserver.net', family: 'interserver' },
  { re: /\bspfbl\b/, zone: 'dnsbl.spfbl.net', family: 'spfbl' },
  { re: /suomispam/, zone: 'bl.suomispam.net', family: 'suomispam' },
  { re: /gbudb/, zone: 'truncate.gbudb.net', family: 'gbudb' },
  { re: /\bahbl\b/, zone: 'dnsbl.ahbl.org', family: 'ahbl' },
  { re: /\bnjabl\b/, zone: 'dnsbl.njabl.org', family: 'njabl' },
  { re: /\bdsbl\b/, zone: 'list.dsbl.org', family: 'dsbl' },
  { re: /spamcannibal/, zone: 'bl.spamcannibal.org', family: 'spamcannibal' },
];

const ANY_ALIAS = new RegExp(ALIASES.map((a) => `(?:${a.re.source})`).join('|'));

/** Family of an exact zone name, so "zen.spamhaus.org" suppresses loose "Spamhaus". */
function familyOf(zone: string): string {
  const z = zone.toLowerCase();
  for (const a of ALIASES) if (a.zone.toLowerCase() === z) return a.family;
  if (z.endsWith('spamhaus.org') || z.endsWith('spamhaus.net')) return 'spamhaus';
  if (z.endsWith('sorbs.net')) return 'sorbs';
  if (z.endsWith('uceprotect.net')) return 'uceprotect';
  if (z.endsWith('spamrats.com')) return 'spamrats';
  if (z.endsWith('abusix.zone')) return 'abusix';
  if (z.endsWith('mailspike.net')) return 'mailspike';
  if (z.endsWith('spameatingmonkey.net')) return 'sem';
  if (z.endsWith('0spam.org')) return '0spam';
  return z;
}

/** [a-z0-9.-] */
function isTokenChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 46 || c === 45;
}

export interface ListContext {
  /** The sending IP the receiver blamed (target for IP lists). */
  readonly senderIp: string | null;
  /** A domain the bounce says is listed (target for domain lists). */
  readonly listedDomain: string | null;
}

/** Find all lists named in `text` (already bounded in size by the caller). */
export function findLists(view: CatalogueView, text: string, ctx: ListContext): NamedList[] {
  const lower = text.toLowerCase();
  const found = new Map<string, NamedList>();
  const families = new Set<string>();
  const add = (zone: string, namedAs: string, exact: boolean) => {
    const zv = view.zone(zone);
    if (!zv || found.has(zv.zone)) return;
    const fam = familyOf(zv.zone);
    if (!exact && families.has(fam)) return;
    families.add(fam);
    const domainList = zv.kinds.length > 0 && zv.kinds.every((k) => k === 'domain');
    found.set(zv.zone, {
      zone: zv.zone,
      name: zv.name,
      target: domainList ? ctx.listedDomain : ctx.senderIp,
      defunct: zv.defunct,
      namedAs: namedAs.slice(0, 80),
    });
  };

  // 1. Exact zone names: tokens that are, or end in, a catalogue zone.
  // Tokens are the runs of [a-z0-9.-]; only those with a dot matter, so each is found
  // from its dot and the rest of the text is never cut up.
  const known = view.zoneNames;
  const zoneEnds = view.zoneEnds;
  for (let dot = lower.indexOf('.'); dot >= 0;) {
    let start = dot;
    while (start > 0 && isTokenChar(lower.charCodeAt(start - 1))) start--;
    let end = dot + 1;
    while (end < lower.length && isTokenChar(lower.charCodeAt(end))) end++;
    dot = lower.indexOf('.', end);
    if (end - start < 6 || end - start > 253) continue;
    const token = lower.slice(start, end);
    // Cheap test first: most dotted tokens are times, versions and IPs.
    let last = token.length - 1;
    while (last > 0 && (token.charCodeAt(last) === 46 || token.charCodeAt(last) === 45)) last--;
    if (!zoneEnds.has(token.charAt(last))) continue;
    const t = token.replace(/^[.-]+|[.-]+$/g, '');
    let name = t;
    for (let i = 0; i < 8 && name; i++) {
      if (known.has(name)) {
        add(name, t, true);
        break;
      }
      const dot = name.indexOf('.');
      if (dot < 0) break;
      name = name.slice(dot + 1);
    }
  }

  // 2. Loose names, lookup URLs and provider codes that stand for a public list.
  // One pass with the union first: most bounces name no list at all.
  if (!ANY_ALIAS.test(lower) && !/\bCBL\b/.test(text)) return [...found.values()];
  for (const alias of ALIASES) {
    const m =
      alias.cased === false && alias.zone === 'cbl.abuseat.org'
        ? (/\bCBL\b/.exec(text) ?? /abuseat\.org|composite block(?:ing)? list/.exec(lower))
        : alias.re.exec(lower);
    if (m) add(alias.zone, text.slice(m.index, m.index + Math.max(m[0].length, 1)), false);
  }
  return [...found.values()];
}
