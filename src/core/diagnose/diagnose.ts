/**
 * Bounce diagnosis, end to end: input → document → one segment per recipient → facts →
 * reason → advice. `diagnoseBounce` does no network I/O; `withLiveCheck` re-checks the
 * blamed IP (or listed domain) through the Checker and refreshes the advice.
 */
import type { Checker } from '../check/checker.js';
import type { CheckReport } from '../check/types.js';
import { buildAdvice, buildSummary, isBlocklistProblem, MISCONFIGURED_RECEIVER } from './advice.js';
import { classify, GREYLIST } from './reasons.js';
import { dsnAddress, failedCommand, findListedDomain, findRemote, findReply, findSenderIp, segment, type Segment } from './extract.js';
import { checkInput, InputError, readDocument, type BounceDocument } from './input.js';
import { findLists } from './lists.js';
import { findProviderCodes, WEAK_PROVIDERS, type ProviderMatch } from './providers.js';
import { squeeze } from './text.js';
import type { Diagnosis, DiagnoseResult, LiveStatus, NamedList, Reason } from './types.js';

const MAX_RECIPIENTS = 50;
const MAX_DIAGNOSTIC = 1000;

/** Internal facts kept next to each diagnosis so advice can be rebuilt after the live check. */
interface Facts {
  readonly providers: readonly ProviderMatch[];
  readonly text: string;
  readonly greylisted: boolean;
}

export async function diagnoseBounce(raw: string | Uint8Array): Promise<DiagnoseResult> {
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
    doc = { kind: 'text', headers: new Map(), subject: '', from: '', body: text, dsnMessage: null, dsnRecipients: [], feedbackReport: null };
  }
  const diagnoses = diagnoseDocument(doc);
  return { diagnoses, inputKind: doc.kind };
}

function notFailure(doc: BounceDocument): 'feedback' | 'vacation' | 'delivered' | null {
  if (doc.feedbackReport) return 'feedback';
  const actions = doc.dsnRecipients.map((r) => (r.action ?? '').toLowerCase());
  if (actions.length && actions.every((a) => a === 'delivered' || a === 'relayed' || a === 'expanded')) return 'delivered';
  const auto = (doc.headers.get('auto-submitted') ?? '').toLowerCase();
  const autoReplyHeader =
    doc.headers.has('x-autoreply') || doc.headers.has('x-autorespond') || /auto_reply|autoreply/i.test(doc.headers.get('precedence') ?? '');
  const subject = doc.subject.toLowerCase();
  const failureSubject = /undeliver|failure|failed|returned|delivery status|not delivered|blocked|rejected|bounce|unzustellbar|non remis|error/.test(
    doc.subject.toLowerCase(),
  );
  const vacationSubject =
    /out of (?:the )?office|automatic reply|auto(?:matic)?[ -]?(?:reply|response|antwort)|automatische antwort|abwesenheit|risposta automatica|respuesta autom|automatisch antwoord|autosvar|autosvar|automaattinen vastaus|odpowied[źz] automatyczna|autoreply|vacation|away from (?:the )?office|on leave|r[ée]ponse automatique|absence/.test(
      subject,
    );
  const vacationBody =
    /out of (?:the )?office|i am (?:currently )?(?:away|on (?:vacation|holiday|leave)|out of)|abwesend|limited access to (?:my )?e-?mail|will be back|return(?:ing)? on/i.test(
      doc.body.slice(0, 4000),
    );
  if (
    doc.dsnRecipients.length === 0 &&
    !failureSubject &&
    (autoReplyHeader || vacationSubject || (auto.startsWith('auto-replied') && vacationBody))
  ) {
    if (findReply(doc.body.slice(0, 20000)) === null || vacationSubject) return 'vacation';
  }
  if (doc.dsnRecipients.length === 0) {
    const head = doc.body.slice(0, 20000);
    if (
      /(?:was|has been) (?:successfully )?delivered to|delivery to the following recipients? (?:was )?(?:complete|succeeded)|successfully delivered|relayed to non-?DSN-aware/i.test(
        head,
      ) &&
      !/not (?:been )?delivered|could not|couldn'?t|failed|undeliverable|wasn'?t delivered/i.test(head)
    ) {
      return 'delivered';
    }
  }
  return null;
}

export function diagnoseDocument(doc: BounceDocument): Diagnosis[] {
  const nf = notFailure(doc);
  if (nf) {
    const fb = doc.feedbackReport;
    const recipient = doc.dsnRecipients.length
      ? dsnAddress(doc.dsnRecipients[0]!['final-recipient'])
      : fb
        ? dsnAddress(fb['original-rcpt-to'])
        : null;
    const senderIp = fb?.['source-ip'] && /^[0-9a-f.:]{2,45}$/i.test(fb['source-ip'].trim()) ? fb['source-ip'].trim() : null;
    const make = (rcpt: string | null, status: string | null, dsn?: Record<string, string>) => {
      const reply = dsn?.['diagnostic-code'] ? findReply(dsn['diagnostic-code'].replace(/^[a-z0-9-]{1,20};\s*/i, '')) : null;
      return finish({
        reason: nf,
        permanent: false,
        replyCode: reply?.code ?? null,
        status: status ?? reply?.status ?? null,
        recipient: rcpt,
        remote: dsn ? findRemote(doc.body.slice(0, 50_000), dsn) : { host: null, ip: null },
        senderIp,
        lists: [],
        providerCodes: [],
        diagnostic: null,
        facts: { providers: [], text: '', greylisted: false },
        ...(nf === 'feedback' ? { feedbackType: (fb?.['feedback-type'] ?? 'abuse').trim().toLowerCase().slice(0, 40) } : {}),
      });
    };
    if (nf === 'delivered' && doc.dsnRecipients.length > 1) {
      return doc.dsnRecipients.slice(0, MAX_RECIPIENTS).map((r) => make(dsnAddress(r['final-recipient']), r.status?.trim() ?? null, r));
    }
    return [make(recipient, doc.dsnRecipients[0]?.status?.trim() ?? null, doc.dsnRecipients[0])];
  }

  const { segments, preamble } = segment(doc);
  const out: Diagnosis[] = [];
  for (const seg of segments.slice(0, MAX_RECIPIENTS)) out.push(diagnoseSegment(seg, preamble, doc));
  return out;
}

function diagnoseSegment(seg: Segment, preamble: string, doc: BounceDocument): Diagnosis {
  const dsn = seg.dsn;
  const dsnDiag = dsn?.['diagnostic-code']?.replace(/^[a-z0-9-]{1,20};\s*/i, '') ?? '';
  // The server's words: DSN Diagnostic-Code, else the best reply in the segment, else in the shared text.
  const replyFromDsn = dsnDiag ? findReply(dsnDiag) : null;
  const replyFromText = findReply(seg.text) ?? (replyFromDsn ? null : findReply(preamble));
  const reply = replyFromDsn ?? replyFromText;
  const diagnostic = cleanDiagnostic(squeeze(dsnDiag || reply?.text || ''), reply?.code ?? null).slice(0, MAX_DIAGNOSTIC);
  const context = `${seg.text}\n${preamble}`.slice(0, 300_000);

  // Status: the more specific of DSN Status and the reply's enhanced code.
  const dsnStatus = dsn?.status ? (/([245]\.[0-9]{1,3}\.[0-9]{1,3})/.exec(dsn.status)?.[1] ?? null) : null;
  const replyStatus = reply?.status ?? replyFromText?.status ?? null;
  let status = dsnStatus ?? replyStatus;
  if (dsnStatus && replyStatus && /\.0\.0$/.test(dsnStatus) && !/\.0\.0$/.test(replyStatus)) status = replyStatus;
  const replyCode = reply?.code ?? replyFromText?.code ?? null;

  const remote = findRemote(context, dsn);
  const senderIp = findSenderIp(diagnostic, context, remote.ip);
  const listText = `${diagnostic}\n${seg.text}`.slice(0, 50_000);
  const listedDomain = findListedDomain(listText);
  const lists = findLists(listText, { senderIp, listedDomain });
  const providers = findProviderCodes(`${diagnostic} ${status ?? ''}\n${seg.text.slice(0, 50_000)}\n${doc.subject.slice(0, 300)}`);

  const action = dsn?.action?.trim().toLowerCase() ?? null;
  const lowerDiag = diagnostic.toLowerCase();
  const lowerContext = squeeze(context.slice(0, 20_000)).toLowerCase();
  const greylisted = GREYLIST.test(lowerDiag);
  const providerReason = pickProviderReason(providers, lists);
  const reason: Reason = classify({
    providerReason,
    providerWeak: providers.some((p) => p.rule.reason === providerReason && WEAK_PROVIDERS.has(p.rule.provider)),
    status,
    replyCode,
    diagnostic: lowerDiag,
    context: lowerContext,
    listNamed: lists.length > 0,
    domainListOnly: lists.length > 0 && lists.every((l) => l.target !== null && !/^[0-9a-f.:]+$/i.test(l.target) && l.target === listedDomain),
    command: failedCommand(context),
    action,
  });

  let permanent: boolean | null = null;
  const first = replyCode !== null ? String(replyCode)[0] : status?.[0];
  if (first === '5') permanent = true;
  else if (first === '4') permanent = false;
  if (action === 'failed') permanent = permanent ?? true;
  if (action === 'delayed') permanent = false;
  // A DSN that gave up ("failed") on a temporary status: the message expired in the queue.
  const finalReason: Reason =
    action === 'failed' &&
    (status?.startsWith('4.') || (replyCode !== null && replyCode < 500)) &&
    !['mailboxfull', 'blocked', 'badreputation', 'speeding', 'toomanyconn'].includes(reason)
      ? 'expired'
      : reason;

  const recipient = seg.recipient;
  return finish({
    reason: finalReason,
    permanent,
    replyCode,
    status,
    recipient,
    remote,
    senderIp,
    lists,
    providerCodes: providers,
    diagnostic: diagnostic || null,
    facts: { providers, text: `${lowerDiag}\n${lowerContext.slice(0, 20_000)}`, greylisted },
  });
}

/** Remove the code prefixes a folded multi-line reply repeats ("… 550-5.7.25 PTR …"). */
function cleanDiagnostic(text: string, code: number | null): string {
  if (code === null || text.length < 8) return text;
  const head = text.slice(0, 4);
  const rest = text.slice(4).replace(new RegExp(`\\s${code}[- ](?:[245]\\.[0-9]{1,3}\\.[0-9]{1,3}\\s)?`, 'g'), ' ');
  return squeeze(head + rest);
}

/** A provider code decides unless a public list is named and the code just says "a list". */
function pickProviderReason(providers: readonly ProviderMatch[], lists: readonly NamedList[]): Reason | null {
  for (const p of providers) {
    if (!p.rule.reason) continue;
    if (lists.length && p.rule.block === 'public') return 'blocked';
    return p.rule.reason;
  }
  return null;
}

interface Draft {
  readonly reason: Reason;
  readonly permanent: boolean | null;
  readonly replyCode: number | null;
  readonly status: string | null;
  readonly recipient: string | null;
  readonly remote: { host: string | null; ip: string | null };
  readonly senderIp: string | null;
  readonly lists: readonly NamedList[];
  readonly providerCodes: readonly ProviderMatch[];
  readonly diagnostic: string | null;
  readonly facts: Facts;
  readonly feedbackType?: string;
}

function finish(d: Draft, live: LiveStatus | null = null): Diagnosis {
  const blocklistProblem =
    isBlocklistProblem(d.reason, d.lists, d.providerCodes) || (MISCONFIGURED_RECEIVER.test(d.facts.text) && d.lists.length > 0);
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
    greylisted: d.facts.greylisted,
    blocklistProblem,
  });
  const advice = buildAdvice({
    reason: d.reason,
    permanent: d.permanent,
    recipient: d.recipient,
    remoteHost: d.remote.host,
    senderIp: d.senderIp,
    lists: d.lists,
    providers: d.providerCodes,
    text: d.facts.text,
    live,
    greylisted: d.facts.greylisted,
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
  draftOf.set(diagnosis, d);
  return diagnosis;
}
const draftOf = new WeakMap<Diagnosis, Draft>();

/** Should this diagnosis get a live re-check, and of what? */
function liveTarget(d: Diagnosis): string | null {
  if (['vacation', 'delivered', 'feedback', 'userunknown', 'mailboxfull', 'mesgtoobig', 'hostunknown', 'suspend'].includes(d.reason)) return null;
  const domainList = d.lists.find((l) => !l.defunct && l.target && !/^[0-9a-f.:]+$/i.test(l.target) && l.target.includes('.'));
  if (
    d.senderIp &&
    (d.lists.length > 0 ||
      d.blocklistProblem ||
      ['blocked', 'badreputation', 'securityerror', 'onhold', 'spamdetected', 'rejected', 'speeding'].includes(d.reason))
  )
    return d.senderIp;
  if (domainList) return domainList.target;
  return null;
}

export interface LiveOptions {
  /** false: mark live as skipped (--no-live). */
  readonly live: boolean;
}

/**
 * Re-check each blamed IP once (several recipients of one bounce usually share it) on the
 * whole catalogue plus the zones the bounce named, and rebuild the advice from the answers.
 */
export async function withLiveCheck(result: DiagnoseResult, checker: Checker | null, options: LiveOptions = { live: true }): Promise<DiagnoseResult> {
  if (result.diagnoses.length === 0) return result;
  const reports = new Map<string, Promise<CheckReport | Error>>();
  const out: Diagnosis[] = [];
  for (const d of result.diagnoses) {
    const target = liveTarget(d);
    const draft = draftOf.get(d);
    if (!target || !draft) {
      out.push(d);
      continue;
    }
    if (!options.live || !checker) {
      out.push(finish(draft, { target, state: 'skipped', named: [], listedOn: [], zonesChecked: 0 }));
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

function liveStatus(target: string, lists: readonly NamedList[], report: CheckReport | Error): LiveStatus {
  if (report instanceof Error) {
    return { target, state: 'error', named: [], listedOn: [], zonesChecked: 0, error: report.message };
  }
  const named = lists.map((l) => {
    if (l.defunct) return { zone: l.zone, status: 'defunct', removalUrl: null };
    const r = report.results.find((x) => x.zone === l.zone);
    return { zone: l.zone, status: r ? r.status : 'not-checked', removalUrl: r?.removalUrl ?? null };
  });
  const listedOn = report.results
    .filter((r) => r.status === 'listed' && r.listType !== 'allow')
    .map((r) => ({ zone: r.zone, name: r.name, meaning: r.meaning, removalUrl: r.removalUrl, listType: r.listType }));
  return { target, state: 'checked', named, listedOn, zonesChecked: report.results.length };
}
