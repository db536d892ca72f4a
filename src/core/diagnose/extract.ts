/**
 * Extraction of facts from a recipient's error text: the SMTP reply, the rejecting host
 * and its IP, the sending IP the receiver blamed, a domain it says is listed. Patterns are
 * literal words with bounded character classes, so every scan is linear in the input.
 */
import net from 'node:net';
import type { DsnFields } from './input.js';
import { isReplyCode } from './statuses.js';
import { squeeze } from './text.js';

export interface Reply {
  readonly code: number | null;
  readonly status: string | null;
  /** From the code to the end of the logical line, squeezed. */
  readonly text: string;
}

const STATUS_RE = /(?:^|[^0-9.])#?([245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9]|\.[0-9])/;
const REPLY_RE = /(?:^|[\s'"(:;>#[=])([245][0-9]{2})(?:[ \t-]|\r?\n {0,8}|$)(?:#?([245]\.[0-9]{1,3}\.[0-9]{1,3})(?![0-9]|\.[0-9]))?/g;
const GOOD_BEFORE = /(?:said|returned|was|replied|error|smtp|reason|response|<<<|message|status|code|answer)\W{0,4}$/i;

/** The best SMTP reply in a text: prefer one with an enhanced status and a telling prefix. */
export function findReply(text: string): Reply | null {
  if (!text) return null;
  let best: { score: number; index: number; code: number; status: string | null } | null = null;
  let bounded = text.length > 200_000 ? text.slice(0, 200_000) : text;
  // Zoho: "Invalid Address, ERROR_CODE :550, ERROR_CODE :5.1.1 <a@b>: …".
  if (bounded.includes('ERROR_CODE :')) bounded = bounded.replace(/ERROR_CODE :([245][0-9]{2}),/g, 'ERROR_CODE :$1 ');
  REPLY_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let count = 0;
  while ((m = REPLY_RE.exec(bounded)) && count++ < 500) {
    const code = Number(m[1]);
    const index = m.index + m[0].indexOf(m[1]!);
    // A number followed by a unit or a colon is a size or a time, not a reply.
    const after = bounded.slice(index + 3, index + 12);
    if (/^ ?(?:bytes|kb|mb|seconds|secs|minutes|days|hours|ms)\b/i.test(after)) continue;
    if (/^:\d/.test(after)) continue;
    // Exim's sender-callout report quotes the other server's answer ("550-Response: 550 5.1.1
    // No such user"): that answer is about the sender, not this server's reply.
    // Its continuation lines may be joined already, so "Called:" before "Response:" marks it.
    if (/Response: {0,8}$/.test(bounded.slice(Math.max(0, index - 12), index)) && /\bCalled: /.test(bounded.slice(Math.max(0, index - 400), index)))
      continue;
    // A code outside RFC 5321 counts when its own status follows ("571 5.7.1", La Poste).
    if (!isReplyCode(code) && !(m[2] && m[2][0] === m[1]![0] && code >= 400 && code < 600)) continue;
    let score = 0;
    if (m[2]) score += 3;
    if (m[2] && m[2][0] !== m[1]![0]) score -= 2;
    if (GOOD_BEFORE.test(bounded.slice(Math.max(0, m.index - 14), m.index + 1))) score += 2;
    if (code >= 400) score += 1;
    if (!best || score > best.score) best = { score, index, code, status: m[2] ?? null };
    if (score >= 6) break;
  }
  if (best && (best.score >= 2 || best.code >= 400)) {
    return { code: best.code, status: best.status, text: lineFrom(bounded, best.index) };
  }
  const s = STATUS_RE.exec(bounded);
  if (s) return { code: null, status: s[1]!, text: lineFrom(bounded, s.index + s[0].indexOf(s[1]!)) };
  return null;
}

function lineFrom(text: string, index: number): string {
  let end = text.indexOf('\n', index);
  if (end < 0) end = text.length;
  return squeeze(text.slice(index, Math.min(end, index + 1500)));
}

export function isIp(s: string | undefined | null): s is string {
  return !!s && net.isIP(s) !== 0;
}

function cleanIp(raw: string | undefined): string | null {
  if (!raw) return null;
  let ip = raw.replace(/^ipv6:/i, '').replace(/[.:]+$/, '');
  if (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip)) ip = ip.slice(7);
  return isIp(ip) ? ip.toLowerCase() : null;
}

/** Not a public sending address: loopback, DNSBL answer codes, private space. */
function unusable(ip: string): boolean {
  return /^(?:127\.|10\.|0\.|192\.168\.|169\.254\.|172\.(?:1[6-9]|2[0-9]|3[01])\.|::1$|fe80:)/i.test(ip);
}

export interface Remote {
  readonly host: string | null;
  readonly ip: string | null;
}

const HOSTNAME = '([A-Za-z0-9][A-Za-z0-9.-]{0,252})';
const IPCHARS = '(?:IPv6:)?([0-9A-Fa-f.:]{2,45})';

/**
 * Each pattern with a literal (lower case) that every match contains: a pattern whose
 * literal is not in the text is not run at all.
 */
const REMOTE_PATTERNS: readonly { re: RegExp; needs: string }[] = [
  // Exchange 2010+: "Receiving server: mx.example.net (198.51.100.7)" (French, German, Spanish NDRs too).
  {
    re: new RegExp(
      `(?:receiving server|serveur de r.ception|empfangender server|servidor de recepci.n|server ricevente) ?: ${HOSTNAME}(?: \\(${IPCHARS}\\))?`,
      'i',
    ),
    needs: ': ',
  },
  { re: new RegExp(`\\bhost ${HOSTNAME}\\[${IPCHARS}\\] said:`, 'i'), needs: '] said:' },
  { re: new RegExp(`(?:^|\\s)${HOSTNAME}\\[${IPCHARS}\\] said:`, 'i'), needs: '] said:' },
  { re: new RegExp(`(?:lost connection|conversation|connection) with ${HOSTNAME}\\[${IPCHARS}\\]`, 'i'), needs: ' with ' },
  { re: new RegExp(`(?:^|\\s)${IPCHARS} failed (?:after i sent the message|on data command)`, 'i'), needs: ' failed ' },
  { re: new RegExp(`>:?\\s{1,8}${HOSTNAME} \\[${IPCHARS}\\]:`, 'i'), needs: ']:' },
  { re: new RegExp(`(?:remote )?server at ${HOSTNAME}(?: \\(${IPCHARS}\\))? returned`, 'i'), needs: 'server at ' },
  {
    re: new RegExp(`remote (?:server|host|mta) \\(?${HOSTNAME}\\)? ?(?:\\[${IPCHARS}\\] )?(?:replied|said|returned|responded|issued|rejected)`, 'i'),
    needs: 'remote ',
  },
  { re: new RegExp(`while talking to ${HOSTNAME}\\.?:`, 'i'), needs: 'while talking to ' },
  { re: new RegExp(`connected to ${IPCHARS} but`, 'i'), needs: 'connected to ' },
  { re: new RegExp(`(?:^|\\s)${IPCHARS} does not like recipient`, 'i'), needs: 'does not like recipient' },
  { re: new RegExp(`(?:^|[^a-z])host ${HOSTNAME} ?\\[${IPCHARS}\\]`, 'i'), needs: 'host ' },
  { re: new RegExp(`(?:connecting|connection) to (?:host )?${HOSTNAME} ?\\[${IPCHARS}(?:[ :]{1,3}\\d{1,5})?\\]`, 'i'), needs: 'connect' },
  { re: new RegExp(`(?:mail server|mx(?: host)?|server) ${HOSTNAME} \\(${IPCHARS}\\)`, 'i'), needs: ' (' },
  // Japanese ISP notices: "応答サーバ: mx.softbank.ne.jp [198.51.100.241]", "相手先サーバー: …".
  {
    re: new RegExp(`(?:応答サーバー?|相手先サーバー?|接続先サーバー?|送信先サーバー?)\\s{0,8}[:：]\\s{0,4}${HOSTNAME} \\[${IPCHARS}\\]`),
    needs: 'サーバ',
  },
  // "SMTP:RCPT host 198.51.100.8: 553 …" (X3), MailMarshal "Remote-MTA: <198.51.100.240>".
  { re: new RegExp(`\\bhost ${IPCHARS}: [245][0-9]{2}[ -]`, 'i'), needs: 'host ' },
  { re: new RegExp(`^remote-mta:\\s{1,20}<${IPCHARS}>`, 'im'), needs: 'remote-mta:' },
  // GMX / web.de: "SMTP error from remote server for TEXT command, host: mx.example.com (198.51.100.44)".
  { re: new RegExp(`remote server for [A-Z ]{2,12}command, host: ${HOSTNAME}(?: \\(${IPCHARS}\\))?`, 'i'), needs: 'host: ' },
  // GMX's older layout: "SMTP error from remote server after RCPT command:" then "host: mx.example.de".
  { re: new RegExp(`^host: ${HOSTNAME}\\s*$`, 'im'), needs: 'host: ' },
  // MDaemon: "Attempting SMTP connection to [198.51.100.247:25]".
  { re: /attempting smtp connection to \[([0-9A-Fa-f.:]{2,45}?)(?::\d{1,5})?\]/i, needs: 'attempting smtp connection to [' },
  { re: new RegExp(`-> ${IPCHARS}:25\\)`, 'i'), needs: ':25)' },
  // SurfControl: "a@b: [198.51.100.66], 550 a@b... No such user".
  { re: new RegExp(`@[A-Za-z0-9.-]{1,253}:\\s{0,4}\\[${IPCHARS}\\],\\s{0,4}[245][0-9]{2}[ -]`), needs: '], ' },
  { re: new RegExp(`\\bH=${HOSTNAME} \\[${IPCHARS}\\]`), needs: 'h=' },
  { re: new RegExp(`delivery via ${HOSTNAME}\\[${IPCHARS}\\]`, 'i'), needs: 'delivery via ' },
  { re: new RegExp(`(?:^|\\n)${HOSTNAME}[ \\t]{0,4}\\n[ \\t]{0,4}Remote Server returned`, 'i'), needs: 'remote server returned' },
  { re: new RegExp(`(?:^|\\s)${HOSTNAME} \\[${IPCHARS}\\]: [245][0-9]{2}[ -]`, 'i'), needs: ']: ' },
  { re: new RegExp(`(?:^|[\\s<])${HOSTNAME} #[245](?:[0-9]{2}[ -]|\\.[0-9])`, 'i'), needs: ' #' },
  { re: new RegExp(`\\bby ${HOSTNAME}\\.? ?\\[${IPCHARS}\\]`, 'i'), needs: 'by ' },
  { re: new RegExp(`connect to ${HOSTNAME}\\[${IPCHARS}\\]:\\d{1,5}`, 'i'), needs: 'connect to ' },
  { re: new RegExp(`(?:<--|<<<) ?220[ -]${HOSTNAME} `, 'i'), needs: '220' },
];

/** The rejecting server: DSN Remote-MTA, then the MTA-specific phrasings. */
export function findRemote(text: string, dsn: DsnFields | null): Remote {
  let host: string | null = null;
  let ip: string | null = null;
  const mta = dsn?.['remote-mta'];
  if (mta) {
    const v = mta.replace(/^[a-z0-9-]{1,20};\s*/i, '').trim();
    const m = /^\[?([^\s[\]()]{1,253})\]?(?:\s{0,3}[[(](?:IPv6:)?([0-9A-Fa-f.:]{2,45})[\]),\s])?/.exec(v);
    if (m) {
      const a = cleanIp(m[1]);
      if (a) ip = a;
      else host = m[1]!.replace(/\.$/, '').toLowerCase();
      ip = ip ?? cleanIp(m[2]);
    }
  }
  const bounded = text.slice(0, 200_000);
  const lower = bounded.toLowerCase();
  for (const { re, needs } of REMOTE_PATTERNS) {
    if (host && ip) break;
    if (!lower.includes(needs)) continue;
    const m = re.exec(bounded);
    if (!m) continue;
    const before = bounded.slice(Math.max(0, m.index - 8), m.index + 1).toLowerCase();
    if (/client\s?$/.test(before.trimEnd()) || /client/.test(before)) continue;
    const groups = m.slice(1).filter((g): g is string => g !== undefined);
    for (const g of groups) {
      const a = cleanIp(g);
      if (a) ip = ip ?? a;
      else if (/[a-z]/i.test(g) && g.includes('.') && !host) host = g.replace(/\.$/, '').toLowerCase();
    }
  }
  if (!host) {
    // Microsoft appends the EOP frontend that answered: "[XXXX.eop-nam02.prod.protection.outlook.com]".
    const ms = /\[([A-Za-z0-9.-]{1,200}\.(?:protection\.outlook\.com|outlook\.com|hotmail\.com))\b/.exec(bounded);
    if (ms) host = ms[1]!.toLowerCase();
  }
  return { host, ip };
}

const SENDER_CONTEXT =
  /(?:client host|client|messages? from|connections from|banned sending ip|banned sender|mail from ip|from ip|mail server|connections (?:will not be|not) accepted from|all messages from|sent over ipv6|sending ipv[46] address|ipv[46] address|ip address|your ip|sending ip|source ip|sender ip|the ip|connecting ip|\bip|rejected because|host)\s{0,3}(?:address\s{0,2})?[:=]?\s{0,3}[[(]?(?:IPv6:)?([0-9A-Fa-f][0-9A-Fa-f.:]{1,44})/gi;
const SENDER_URL =
  /(?:[?&](?:ip|ipr|v|q|query|i|ipaddr|addr|ip_address)=|\/query\/ip\/|\/ip\/|bl\.shtml\?|\/lookup\/|rblcheck\.php\?ipr=)([0-9A-Fa-f][0-9A-Fa-f.:]{1,44})/gi;
const SENDER_BRACKET_GMAIL =
  /\[([0-9A-Fa-f][0-9A-Fa-f.:]{1,44}) {1,3}\d{1,3}\]|^[245][0-9]{2}[ -][245]\.[0-9]{1,3}\.[0-9]{1,3} \[(?:IPv6:)?([0-9A-Fa-f][0-9A-Fa-f.:]{1,44})\]/g;
const SENDER_LISTED =
  /\[?([0-9][0-9.]{6,14}|[0-9A-Fa-f]{1,4}:[0-9A-Fa-f.:]{2,40})\]?(?::\d{1,5})? (?:is|was|has been|are) (?:currently )?(?:listed|black ?listed|blocked|in an? |on |ucerprotect|uceprotect)/gi;

function firstIp(re: RegExp, text: string, exclude: string | null, isHostContext?: (index: number) => boolean): string | null {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = re.exec(text)) && n++ < 200) {
    const ip = cleanIp(m[1] ?? m[2]);
    if (!ip || ip === exclude || unusable(ip)) continue;
    // "203.0.113.0/24" is a network, not the sender.
    if (text.charAt(m.index + m[0].length) === '/') continue;
    if (isHostContext && isHostContext(m.index)) continue;
    return ip;
  }
  return null;
}

/** The sending IP the receiver blamed: sender contexts in the reply first, then the segment. */
export function findSenderIp(diagnostic: string, segmentText: string, remoteIp: string | null): string | null {
  const hostContext = (text: string) => (index: number) => {
    const around = text.slice(index, index + 300);
    // Postfix/Exim "host mx.example[ip] said" names the remote server, not the sender.
    return /^host [A-Za-z0-9.-]{1,253} ?\[[0-9A-Fa-f.:]{2,45}\](?: said:|:)/i.test(around) || /^host [A-Za-z0-9.-]{1,253} ?\[/i.test(around);
  };
  for (const text of [diagnostic, segmentText.slice(0, 200_000)]) {
    if (!text) continue;
    const found =
      firstIp(SENDER_BRACKET_GMAIL, text, remoteIp) ??
      firstIp(SENDER_CONTEXT, text, remoteIp, hostContext(text)) ??
      firstIp(SENDER_URL, text, remoteIp) ??
      firstIp(SENDER_LISTED, text, remoteIp);
    if (found) return found;
  }
  // Last resort: the only other public IP in the server's own words.
  const any = /(?:^|[^0-9A-Za-z.:])([0-9]{1,3}(?:\.[0-9]{1,3}){3})(?![0-9.])/g;
  return firstIp(any, diagnostic, remoteIp);
}

/** A domain the reply says is listed (Postfix "Sender address [a@b] blocked using dbl…"). */
export function findListedDomain(text: string): string | null {
  const t = text.slice(0, 100_000);
  const m =
    /(?:sender address|helo command|helo name|domain|url|uri|reverse dns|rhsbl)\s{0,3}(?:rejected:?\s{0,3})?[[<(]?(?:[^\s@<>[\]]{1,64}@)?([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})[\]>)]?\s{1,3}(?:is\s{1,3})?(?:listed|blocked|black ?listed)/i.exec(
      t,
    ) ?? /spamhaus\.org\/query\/domain\/([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8})/i.exec(t);
  return m ? m[1]!.toLowerCase() : null;
}
