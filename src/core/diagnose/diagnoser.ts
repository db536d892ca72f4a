/**
 * Bounce diagnosis, end to end: input → document → format (reader.ts) → one fact set
 * per failed recipient → reason (classify.ts) → lists, provider codes, advice. A
 * Diagnoser is built once with its catalogue and checker and holds no state besides its
 * catalogue view and the facts behind each diagnosis it returned (so the live re-check
 * can rebuild the advice).
 */
import type { Catalogue } from '../check/catalogue.js';
import type { Checker } from '../check/checker.js';
import type { CheckReport } from '../check/types.js';
import { buildAdvice, buildSummary, isBlocklistProblem, MISCONFIGURED_RECEIVER } from './advice.js';
import { CatalogueView } from './catalogue-view.js';
import { classify, isExplicit, type Facts } from './classify.js';
import type { SmtpCommand } from './commands.js';
import { findListedDomain, findRemote, findReply, findSenderIp, type Remote } from './extract.js';
import type { Format } from './formats.js';
import { checkInput, InputError, readDocument, type BounceDocument, type DsnFields } from './input.js';
import { findLists } from './lists.js';
import { feedbackNotices, isAutoReply, isDeliveryReport, sesNotices, type Notice } from './notices.js';
import { findProviderCodes, type ProviderMatch } from './providers.js';
import { blockCommand, read, type Reading, type RecipientBlock } from './reader.js';
import { aligned, saysAnything } from './reasons.js';
import { findRhost } from './rhosts.js';
import { findStatus, isPseudoStatus, preferStatus } from './statuses.js';
import { squeeze } from './text.js';
import type { Diagnosis, DiagnoseResult, LiveStatus, NamedList, Reason } from './types.js';
import { BOUNCE_WORDS } from './bounce-words.js';

const MAX_RECIPIENTS = 50;
const MAX_DIAGNOSTIC = 1000;
/** Longest server text the phrase tables read (a reply is a few hundred characters). */
const MAX_WORDS = 4000;

export interface DiagnoserOptions {
  /** Zones to name and link (the checker's, with the user's zone file). */
  readonly catalogue: Catalogue;
  /** For the live re-check; without it diagnoses are marked "skipped". */
  readonly checker?: Checker | null;
}

export interface LiveOptions {
  /** false: mark live as skipped (--no-live). */
  readonly live: boolean;
}

export interface Diagnoser {
  readonly catalogue: Catalogue;
  /** Diagnose a bounce; no network I/O. */
  diagnose(raw: string | Uint8Array): Promise<DiagnoseResult>;
  /** Re-check each blamed IP (or listed domain) once and refresh the advice. */
  withLiveCheck(result: DiagnoseResult, options?: LiveOptions): Promise<DiagnoseResult>;
}

/** Internal facts kept next to each diagnosis so advice can be rebuilt after the live check. */
interface Draft {
  readonly reason: Reason;
  readonly permanent: boolean | null;
  readonly replyCode: number | null;
  readonly status: string | null;
  readonly recipient: string | null;
  readonly remote: Remote;
  readonly senderIp: string | null;
  readonly lists: readonly NamedList[];
  readonly providerCodes: readonly ProviderMatch[];
  readonly diagnostic: string | null;
  /** Lower-cased server words and context, for advice. */
  readonly text: string;
  readonly greylisted: boolean;
  readonly feedbackType?: string;
}

/** Failures that never go away by retrying the same address. */
const HARD: ReadonlySet<Reason> = new Set<Reason>(['userunknown', 'hostunknown', 'hasmoved', 'notaccept']);

const GREYLIST = /grey ?list|gray ?list|greylisted|graylisted|try again in \d{1,4} (?:seconds|minutes)/;

function stripType(value: string | undefined): { type: string; text: string } {
  if (!value) return { type: '', text: '' };
  const m = /^\s{0,4}([A-Za-z0-9-]{1,20});\s{0,8}/.exec(value);
  return m ? { type: m[1]!.toUpperCase(), text: value.slice(m[0].length) } : { type: '', text: value };
}

/** Remove the code prefixes a folded multi-line reply repeats ("… 550-5.7.25 PTR …"). */
function cleanDiagnostic(text: string, code: number | null): string {
  // Exchange 2003 wraps the reply: "<mx.example.net #5.2.3 smtp;552 … bytes)>".
  if (text.endsWith('>') && text.split('>').length > text.split('<').length) text = text.slice(0, -1).trimEnd();
  // Exchange quotes the reply: "Remote Server returned '550 5.1.1 … found.'".
  if (text.endsWith("'") && (/[^A-Za-z]'$/.test(text) || text.split("'").length % 2 === 0)) text = text.slice(0, -1).trimEnd();
  if (code === null || text.length < 8) return text;
  const head = text.slice(0, 4);
  const rest = text.slice(4).replace(new RegExp(`\\s${code}[- ](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3}\\s)?`, 'g'), ' ');
  return squeeze(head + rest);
}

/**
 * The text up to the second reply of a different code: a retry history ("… returned '550
 * 4.4.7 …' … returned '451 4.4.0 …'", newest first) states its status in the first one.
 */
function firstReply(text: string): string {
  // 2xx replies are the steps a transcript shows succeeding ("<-- 250 2.1.0 Ok"): no cut there.
  // Amazon WorkMail appends the last remote answer in angle brackets: "554 4.4.7 Message expired … <421 4.4.2 …>".
  const re = /(?:^|[\s'"(;<])([45][0-9]{2})[ -][245]\.[0-9]{1,3}\.[0-9]{1,3}\b/g;
  let first: string | null = null;
  let m: RegExpExecArray | null;
  for (let n = 0; n < 20 && (m = re.exec(text)); n++) {
    if (first === null) first = m[1]!;
    else if (m[1] !== first) return text.slice(0, m.index);
  }
  return text;
}

/** Without the status of the answer an Exim sender callout quotes ("Called: … Response: 550 5.1.1"). */
function withoutCallout(text: string): string {
  return text.includes('Called: ')
    ? text.replace(/(\bCalled: [^]{0,300}?Response: {0,8}[245][0-9]{2}[ -])[245]\.[0-9]{1,3}\.[0-9]{1,3}/, '$1')
    : text;
}

/** The text without the second and later "550-5.7.1 " prefixes of a multi-line reply. */
function withoutRepeats(text: string, code: number): string {
  let seen = false;
  return text.replace(new RegExp(`(^|\\s)${code}[- ](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3} )?`, 'g'), (all, lead: string) => {
    if (!seen) {
      seen = true;
      return all;
    }
    return lead;
  });
}

const GENERATING_SERVER =
  /^(?:Generating server|Serveur de g.n.ration|Generierender Server|Servidor de generaci.n|Server di generazione) ?: ?([A-Za-z0-9.-]{1,253})/m;

function domainOf(address: string | null): string | null {
  const at = address?.lastIndexOf('@') ?? -1;
  return address && at > 0 ? address.slice(at + 1).toLowerCase() : null;
}

/** A host name in the server's words from one of the big providers (for their rules). */
function hostInText(text: string): string | null {
  const m =
    /\b([A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,6}\.(?:protection\.outlook\.com|prod\.outlook\.com|outlook\.com|hotmail\.com|yahoodns\.net|google\.com|mail\.icloud\.com|me\.com|mimecast\.com|messagelabs\.com|qq\.com|orange\.fr|wanadoo\.fr|laposte\.net|secureserver\.net|charter\.net|cox\.net|ezweb\.ne\.jp|docomo\.ne\.jp|zoho\.com))\b/i.exec(
      text,
    );
  if (m) return m[1]!.toLowerCase();
  if (/\bgsmtp\b/.test(text)) return 'gmail-smtp-in.l.google.com';
  return null;
}

/** What the format table says for this recipient before the generic rules. */
function formatReason(format: Format, doc: BounceDocument, words: string, command: SmtpCommand | null, dsn: DsnFields | null): Reason | null {
  for (const h of format.headerReasons ?? []) if (h.value.test(doc.headers.get(h.header) ?? '')) return h.reason;
  const byField = format.dsnReasons && dsn?.[format.dsnReasons.field]?.trim().toLowerCase();
  if (byField && format.dsnReasons!.values[byField]) return format.dsnReasons!.values[byField]!;
  if (command && format.commandReasons?.[command]) return format.commandReasons[command]!;
  if (format.onhold?.some((pair) => aligned(words, pair))) return 'onhold';
  if (format.codes) {
    const m = format.codes.pattern.exec(words);
    if (m?.[1] && format.codes.reasons[m[1]]) return format.codes.reasons[m[1]]!;
  }
  for (const [reason, phrases] of format.messages ?? []) if (phrases.some((p) => words.includes(p))) return reason;
  return format.defaultReason ?? null;
}

interface Source {
  readonly recipient: string | null;
  readonly dsn: DsnFields | null;
  /** The recipient's lines of the error text (may be ''). */
  readonly own: string;
  /** Shared text used when a recipient has none of its own. */
  readonly shared: string;
  readonly format: Format;
  readonly delayed: boolean;
  /** Reason already known (SES bounce subtype). */
  readonly known?: Reason | null;
  readonly reportingHost: string | null;
}

export function createDiagnoser(options: DiagnoserOptions): Diagnoser {
  const view = new CatalogueView(options.catalogue);
  const checker = options.checker ?? null;
  const drafts = new WeakMap<Diagnosis, Draft>();

  function finish(d: Draft, live: LiveStatus | null = null): Diagnosis {
    const blocklistProblem = isBlocklistProblem(d.reason, d.lists, d.providerCodes) || (MISCONFIGURED_RECEIVER.test(d.text) && d.lists.length > 0);
    const provider = d.providerCodes[0]?.rule.provider ?? null;
    const summary = buildSummary({
      reason: d.reason,
      permanent: d.permanent,
      recipient: d.recipient,
      remoteHost: d.remote.host,
      remoteIp: d.remote.ip,
      senderIp: d.senderIp,
      lists: d.lists,
      provider,
      greylisted: d.greylisted,
      blocklistProblem,
    });
    const advice = buildAdvice(view, {
      reason: d.reason,
      permanent: d.permanent,
      recipient: d.recipient,
      remoteHost: d.remote.host,
      senderIp: d.senderIp,
      lists: d.lists,
      providers: d.providerCodes,
      text: d.text,
      live,
      greylisted: d.greylisted,
      diagnostic: d.diagnostic,
      status: d.status,
      replyCode: d.replyCode,
    });
    const diagnosis: Diagnosis = {
      reason: d.reason,
      permanent: d.permanent,
      replyCode: d.replyCode,
      status: d.status,
      recipient: d.recipient,
      remote: d.remote,
      senderIp: d.senderIp,
      lists: d.lists,
      providerCode: d.providerCodes[0]?.code ?? null,
      providerCodes: d.providerCodes.map((p) => ({ code: p.code, provider: p.rule.provider, meaning: p.rule.meaning })),
      provider,
      diagnostic: d.diagnostic,
      blocklistProblem,
      summary,
      advice,
      live,
      ...(d.feedbackType ? { feedbackType: d.feedbackType } : {}),
    };
    drafts.set(diagnosis, d);
    return diagnosis;
  }

  function notice(n: Notice, doc: BounceDocument): Diagnosis {
    const dsn = n.dsn ?? null;
    const diag = stripType(dsn?.['diagnostic-code']).text || n.diagnostic || '';
    const reply = diag ? findReply(diag) : null;
    return finish({
      reason: n.reason,
      permanent: n.reason === 'delivered' || n.reason === 'vacation' || n.reason === 'feedback' ? false : null,
      replyCode: n.reason === 'delivered' ? (reply?.code ?? null) : null,
      status: n.status ?? reply?.status ?? null,
      recipient: n.recipient,
      remote: dsn ? findRemote(doc.body.slice(0, 50_000), dsn) : { host: null, ip: n.remoteIp ?? null },
      senderIp: n.senderIp ?? null,
      lists: [],
      providerCodes: [],
      diagnostic: null,
      text: '',
      greylisted: false,
      ...(n.feedbackType ? { feedbackType: n.feedbackType } : {}),
    });
  }

  function diagnoseSource(s: Source, doc: BounceDocument, single: boolean): Diagnosis {
    const stripped = stripType(s.dsn?.['diagnostic-code']);
    const type = stripped.type;
    // "Diagnostic-Code: X-Unix; 73": an exit code alone says nothing; the text says more.
    const dsnDiag = /^[\s\d.;:-]*$/.test(stripped.text) ? '' : stripped.text;
    const own = s.own.length > 20_000 ? s.own.slice(0, 20_000) : s.own;
    const ownFlat = squeeze(own);
    const dsnFlat = squeeze(dsnDiag);
    // A long block is a transcript or a template: the failing reply is what the server said.
    // Found on the logical lines (wrapped replies are joined), so its text ends with its line.
    const ownReply = findReply(own);
    const ownWords = ownFlat.length > 600 && ownReply ? ownReply.text : ownFlat;
    // Text shared by all recipients counts only when it holds a server reply of its own.
    const sharedFlat =
      !dsnFlat && !ownReply && !findStatus(ownFlat) && !saysAnything(ownFlat.toLowerCase()) ? squeeze(s.shared.slice(0, 20_000)) : '';
    const sharedReply = sharedFlat ? findReply(sharedFlat) : null;
    // A lone recipient's short text with a reason's words ("user unknown") is its error text.
    const sharedSays = single && !sharedReply && sharedFlat.length <= 600 && saysAnything(sharedFlat.toLowerCase());
    const sharedWords =
      sharedReply || sharedSays || findStatus(sharedFlat) ? (sharedFlat.length > 600 && sharedReply ? sharedReply.text : sharedFlat) : '';
    let words = dsnFlat;
    if (ownWords && !ownWords.toLowerCase().includes(dsnFlat.toLowerCase())) words = squeeze(`${ownWords} ${dsnFlat}`);
    else if (ownWords) words = ownWords;
    if (sharedWords) words = squeeze(`${words} ${sharedWords}`);
    words = words.slice(0, MAX_WORDS);

    const reply = findReply(dsnFlat) ?? ownReply ?? sharedReply;
    const replyCode = reply?.code ?? null;
    const dsnStatus = s.dsn?.status ? (/([245]\.[0-9]{1,3}\.[0-9]{1,3})/.exec(s.dsn.status)?.[1] ?? null) : null;
    const inText = findStatus(firstReply(withoutCallout(dsnFlat || ownWords || sharedWords)), replyCode === null ? undefined : String(replyCode)[0]);
    let status = preferStatus(dsnStatus, inText, replyCode);
    if (status && isPseudoStatus(status)) status = null;

    const commandText = [own, dsnDiag, single ? s.shared : ''].join('\n');
    const command = blockCommand(s.format, commandText);
    const action = (s.dsn?.action ?? '').trim().toLowerCase() || (s.delayed ? 'delayed' : null);
    const context = `${own}\n${s.shared}`.slice(0, 300_000);
    const remote = findRemote(context, s.dsn);
    const rawWords = `${dsnDiag}\n${own}\n${sharedWords}`.slice(0, 20_000);
    const fmtReason = s.known ?? formatReason(s.format, doc, rawWords, command, s.dsn);

    const rhost = findRhost(domainOf(s.recipient), remote.host ?? hostInText(words), s.reportingHost);
    // A multi-line reply repeats its code inside sentences ("not authorized to 550-5.7.1 send
    // email directly"): phrases are matched on the sentences without the repeats.
    const lower = (replyCode === null ? words : withoutRepeats(words, replyCode)).toLowerCase();
    const facts: Facts = {
      formatReason: fmtReason,
      status,
      reply: replyCode,
      command,
      action,
      lower,
      text: words,
      diagnosticType: type === 'X-POSTFIX' ? 'SMTP' : type,
      rhost,
    };
    let reason = classify(facts);

    // A reply that is only a status ("<host #4.4.7>") says less than the block around it.
    const replyWords = reply && /[a-z]{3}/i.test(reply.text) ? reply.text : '';
    const diagnostic = cleanDiagnostic(squeeze(dsnDiag || replyWords || ownFlat || reply?.text || sharedWords), replyCode).slice(0, MAX_DIAGNOSTIC);
    const senderIp = findSenderIp(diagnostic, context, remote.ip);
    const listText = `${diagnostic}\n${own}`.slice(0, 50_000);
    const listedDomain = findListedDomain(listText);
    const lists = findLists(view, listText, { senderIp, listedDomain });
    const providers = findProviderCodes(`${diagnostic} ${status ?? ''}\n${own.slice(0, 50_000)}\n${doc.subject.slice(0, 300)}`);

    // A public list named, or a provider block code, says more than the fallbacks. "Local
    // policy" wording is the receiver's generic 5.7.1 text: its own code (T-Online "(BL)")
    // names the real cause.
    const coded = providers.find((p) => p.rule.reason)?.rule.reason;
    // The writer's own code table (Exchange's RESOLVER.RST.AuthRequired → securityerror)
    // is more specific than a provider rule; a securityerror from the x.7 fallback is not.
    if (!isExplicit(reason) || (reason === 'securityerror' && fmtReason !== 'securityerror')) {
      const domainListOnly =
        lists.length > 0 && lists.every((l) => l.target !== null && l.target === listedDomain && !/^[0-9a-f.:]+$/i.test(l.target));
      if (lists.length > 0) reason = domainListOnly && /sender|helo|mail from/.test(lower) ? 'rejected' : 'blocked';
      else if (coded) reason = coded;
    } else if (reason === 'policyviolation' && coded) reason = coded;

    let permanent: boolean | null = null;
    const first = replyCode !== null ? String(replyCode)[0] : status?.[0];
    if (first === '5') permanent = true;
    else if (first === '4') permanent = false;
    if (action === 'failed') permanent = permanent ?? true;
    if (action === 'delayed') permanent = false;
    // Nothing states the class: a recipient that does not exist is a permanent failure.
    if (permanent === null && (HARD.has(reason) || /\bpermanent (?:error|failure)\b|\bpermanently\b/.test(lower))) permanent = true;

    return finish({
      reason,
      permanent,
      replyCode,
      status,
      recipient: s.recipient,
      remote,
      senderIp,
      lists,
      providerCodes: providers,
      diagnostic: diagnostic || null,
      // Advice looks for a few signs around the reply (open relay, resolver refused); 4 KB hold them.
      text: `${lower}\n${squeeze(context.slice(0, 4096)).toLowerCase()}`,
      greylisted: GREYLIST.test(lower),
    });
  }

  function diagnoseDocument(doc: BounceDocument): Diagnosis[] {
    const feedback = feedbackNotices(doc);
    if (feedback) return feedback.slice(0, MAX_RECIPIENTS).map((n) => notice(n, doc));
    const ses = sesNotices(doc);
    const reportingHost =
      stripType(doc.dsnMessage?.['reporting-mta']).text.trim().toLowerCase() ||
      // Exchange 2010+ NDRs: "Generating server: PA4PR04MB9273.eurprd04.prod.outlook.com".
      GENERATING_SERVER.exec(doc.body.slice(0, 100_000))?.[1]?.toLowerCase() ||
      null;
    if (ses) {
      if (ses.notices.length) return ses.notices.slice(0, MAX_RECIPIENTS).map((n) => notice(n, doc));
      return ses.bounces.slice(0, MAX_RECIPIENTS).map((b) =>
        diagnoseSource(
          {
            recipient: b.recipient,
            dsn: {
              'diagnostic-code': b.diagnostic ?? '',
              status: b.status ?? '',
              action: b.action ?? 'failed',
              ...(b.remoteIp ? { 'remote-mta': `dns; ${b.remoteIp}` } : {}),
            },
            own: '',
            shared: '',
            format: { id: 'amazonses', name: 'Amazon SES notification', signals: [] },
            delayed: false,
            known: b.reason === 'undefined' ? null : b.reason,
            reportingHost,
          },
          doc,
          ses.bounces.length === 1,
        ),
      );
    }
    if (isAutoReply(doc)) {
      const from = doc.headers.get('from') ?? doc.from;
      const m = /[A-Za-z0-9._%+=&'/!#$^{}|~-]{1,64}@[A-Za-z0-9.-]{1,253}/.exec(from);
      return [notice({ reason: 'vacation', recipient: m ? m[0].toLowerCase() : null }, doc)];
    }
    if (isDeliveryReport(doc)) {
      const groups = doc.dsnRecipients;
      if (groups.length === 0) return [notice({ reason: 'delivered', recipient: null }, doc)];
      return groups.slice(0, MAX_RECIPIENTS).map((g) =>
        notice(
          {
            reason: 'delivered',
            recipient:
              (g['final-recipient'] ?? g['original-recipient'] ?? '')
                .replace(/^[a-z0-9-]{1,20};\s*/i, '')
                .replace(/[<>]/g, '')
                .trim()
                .toLowerCase() || null,
            status: /([245]\.[0-9]{1,3}\.[0-9]{1,3})/.exec(g.status ?? '')?.[1] ?? null,
            dsn: g,
          },
          doc,
        ),
      );
    }

    const reading: Reading = read(doc);
    if (!isBounce(doc, reading)) return [];
    const blocks = reading.blocks.slice(0, MAX_RECIPIENTS);
    const shared = reading.preamble || reading.region;
    return blocks.map((b: RecipientBlock) =>
      diagnoseSource(
        {
          recipient: b.recipient,
          dsn: b.dsn,
          own: b.text,
          shared: blocks.length === 1 ? reading.region : shared,
          format: reading.format,
          delayed: reading.delayed,
          reportingHost,
        },
        doc,
        blocks.length === 1,
      ),
    );
  }

  async function diagnose(raw: string | Uint8Array): Promise<DiagnoseResult> {
    let input: string | Uint8Array;
    try {
      input = checkInput(raw);
    } catch (e) {
      if (e instanceof InputError) return { diagnoses: [], error: e.message, inputKind: e.problem };
      throw e;
    }
    let doc: BounceDocument;
    try {
      doc = await readDocument(input);
    } catch {
      // readDocument falls back to text itself; this is a last guard so nothing pasted throws.
      const text = typeof input === 'string' ? input : Buffer.from(input).toString('latin1');
      doc = {
        kind: 'text',
        headers: new Map(),
        subject: '',
        from: '',
        body: text,
        dsnMessage: null,
        dsnRecipients: [],
        feedbackReport: null,
        originalHeaders: null,
      };
    }
    return { diagnoses: diagnoseDocument(doc), inputKind: doc.kind };
  }

  async function withLiveCheck(result: DiagnoseResult, liveOptions: LiveOptions = { live: true }): Promise<DiagnoseResult> {
    if (result.diagnoses.length === 0) return result;
    const reports = new Map<string, Promise<CheckReport | Error>>();
    const out: Diagnosis[] = [];
    for (const d of result.diagnoses) {
      const target = liveTarget(d);
      const draft = drafts.get(d);
      if (!target || !draft) {
        out.push(d);
        continue;
      }
      if (!liveOptions.live || !checker) {
        out.push(finish(draft, { target, state: 'skipped', named: [], listedOn: [], zonesChecked: 0, zonesUnanswered: 0 }));
        continue;
      }
      const zones = d.lists.filter((l) => !l.defunct).map((l) => l.zone);
      const key = `${target}|${zones.join(',')}`;
      if (!reports.has(key)) {
        reports.set(
          key,
          checker.check(target, zones.length ? { alsoZones: zones } : {}).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
        );
      }
      const report = await reports.get(key)!;
      out.push(finish(draft, liveStatus(target, d.lists, report)));
    }
    return { ...result, diagnoses: out };
  }

  return { catalogue: options.catalogue, diagnose, withLiveCheck };
}

/** Is there any sign of a delivery failure, or just ordinary text? */
function isBounce(doc: BounceDocument, reading: Reading): boolean {
  if (doc.dsnRecipients.length > 0 || reading.format.id !== 'text') return true;
  const text = doc.body.length > 100_000 ? doc.body.slice(0, 100_000) : doc.body;
  if (findReply(text) || findStatus(text)) return true;
  if (BOUNCE_WORDS.test(text) || BOUNCE_WORDS.test(doc.subject)) return true;
  const lower = squeeze(text).toLowerCase();
  return saysAnything(lower);
}

/** Should this diagnosis get a live re-check, and of what? */
function liveTarget(d: Diagnosis): string | null {
  if (['vacation', 'delivered', 'feedback', 'userunknown', 'mailboxfull', 'mesgtoobig', 'hostunknown', 'suspend', 'filtered'].includes(d.reason))
    return null;
  const domainList = d.lists.find((l) => !l.defunct && l.target && !/^[0-9a-f.:]+$/i.test(l.target) && l.target.includes('.'));
  if (
    d.senderIp &&
    (d.lists.length > 0 ||
      d.blocklistProblem ||
      ['blocked', 'badreputation', 'securityerror', 'onhold', 'spamdetected', 'rejected', 'speeding', 'requireptr'].includes(d.reason))
  )
    return d.senderIp;
  if (domainList) return domainList.target;
  return null;
}

function liveStatus(target: string, lists: readonly NamedList[], report: CheckReport | Error): LiveStatus {
  if (report instanceof Error) {
    return { target, state: 'error', named: [], listedOn: [], zonesChecked: 0, zonesUnanswered: 0, error: report.message };
  }
  const named = lists.map((l) => {
    if (l.defunct) return { zone: l.zone, status: 'defunct', removalUrl: null };
    const r = report.results.find((x) => x.zone === l.zone);
    return { zone: l.zone, status: r ? r.status : 'not-checked', removalUrl: r?.removalUrl ?? null };
  });
  const listedOn = report.results
    .filter((r) => r.status === 'listed' && r.listType !== 'allow')
    .map((r) => ({ zone: r.zone, name: r.name, meaning: r.meaning, removalUrl: r.removalUrl, listType: r.listType }));
  const zonesUnanswered = report.results.filter((r) => r.status !== 'listed' && r.status !== 'clean').length;
  return { target, state: 'checked', named, listedOn, zonesChecked: report.results.length, zonesUnanswered, ptr: report.ptr };
}
