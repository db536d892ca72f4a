/**
 * Turns diagnoses into the platform-neutral Reply. Everything taken from the bounce
 * (recipient, host names, the server's words) goes in as a plain string or a code
 * block; renderers escape it. Links are only ever our own catalogue/provider URLs.
 */
import type { Block, Inline, Level, ListItem, Reply } from '../../reply/reply.js';
import type { Diagnosis, DiagnoseResult, LiveStatus } from './types.js';
import { worstLevel } from '../../reply/severity.js';
import { count } from '../../reply/words.js';

const MAX_IN_CHAT = 10;

function levelOf(d: Diagnosis): Level {
  if (['vacation', 'delivered'].includes(d.reason)) return 'ok';
  if (d.reason === 'feedback' || d.reason === 'undefined') return 'info';
  if (d.live?.state === 'checked' && d.live.named.some((n) => n.status === 'listed')) return 'bad';
  if (d.blocklistProblem) return d.permanent === false ? 'warn' : 'bad';
  return 'warn';
}

function fieldsOf(d: Diagnosis): { label: string; value: Inline[] }[] {
  const f: { label: string; value: Inline[] }[] = [];
  const kind = d.permanent === true ? 'permanent' : d.permanent === false ? 'temporary' : 'unknown';
  f.push({ label: 'Reason', value: [{ code: d.reason }, ` (${['vacation', 'delivered', 'feedback'].includes(d.reason) ? 'not a failure' : kind})`] });
  if (d.replyCode !== null || d.status) f.push({ label: 'Code', value: [{ code: [d.replyCode, d.status].filter((x) => x !== null).join(' ') }] });
  if (d.recipient) f.push({ label: 'Recipient', value: [d.recipient] });
  if (d.remote.host || d.remote.ip)
    f.push({ label: 'Rejected by', value: [[d.remote.host, d.remote.ip && `[${d.remote.ip}]`].filter(Boolean).join(' ')] });
  if (d.senderIp) f.push({ label: 'Sending IP blamed', value: [{ code: d.senderIp }] });
  if (d.providerCodes.length) {
    const p = d.providerCodes[0]!;
    const meaning = p.meaning.startsWith(p.provider.split(' ')[0]!) ? p.meaning : `${p.provider}: ${p.meaning}`;
    f.push({ label: 'Provider code', value: [{ code: p.code }, ` ${meaning}`] });
  }
  return f;
}

function listItems(d: Diagnosis): ListItem[] {
  return d.lists.map((l) => {
    const named = d.live?.named.find((n) => n.zone === l.zone);
    let line: string;
    let level: Level = 'warn';
    if (l.defunct) {
      line = 'shut down: never queried; the receiver\u2019s configuration is stale';
      level = 'info';
    } else if (!named || d.live?.state !== 'checked')
      line = d.live?.state === 'error' ? `live check failed: ${d.live.error ?? 'error'}` : 'not re-checked';
    else if (named.status === 'listed') {
      line = 'still listed right now';
      level = 'bad';
    } else if (named.status === 'clean') {
      line = 'not listed any more';
      level = 'ok';
    } else line = `live check: ${named.status}`;
    const title: Inline[] = [{ bold: l.name }, ' ', { code: l.zone }];
    const lines: Inline[][] = [[l.target ? `${l.target}: ${line}` : line]];
    return { level, title, lines };
  });
}

function adviceItems(d: Diagnosis): ListItem[] {
  return d.advice.map((a, i) => ({
    title: [`${i + 1}. ${a.text}`],
    lines: a.links.length
      ? [a.links.flatMap((l, j): Inline[] => (j ? [' · ', { link: l.url, label: l.label }] : [{ link: l.url, label: l.label }]))]
      : undefined,
  }));
}

function blocksOf(d: Diagnosis, heading: boolean): Block[] {
  const blocks: Block[] = [];
  if (heading) blocks.push({ kind: 'text', text: [{ bold: d.recipient ? `Recipient ${d.recipient}` : 'Failure' }] });
  blocks.push({ kind: 'verdict', level: levelOf(d), text: [d.summary] });
  blocks.push({ kind: 'fields', fields: fieldsOf(d) });
  if (d.lists.length) blocks.push({ kind: 'list', heading: 'Blocklists named', items: listItems(d) });
  if (d.advice.length) blocks.push({ kind: 'list', heading: 'What to do', items: adviceItems(d) });
  if (d.diagnostic) blocks.push({ kind: 'code', text: d.diagnostic });
  if (d.live) blocks.push({ kind: 'context', text: [liveSentence(d.live, false)] });
  return blocks;
}

/**
 * What the live re-check found. Lists that did not answer are counted apart: "listed on 0"
 * from lists that never answered would be a clean verdict nobody earned.
 */
function liveSentence(live: LiveStatus, namesZones: boolean): string {
  if (live.state === 'skipped') return 'Live check skipped.';
  if (live.state === 'error') return `Live check of ${live.target} failed: ${live.error ?? 'error'}`;
  const answered = live.zonesChecked - live.zonesUnanswered;
  if (answered === 0)
    return `Live check of ${live.target} proves nothing: none of the ${live.zonesChecked} lists answered (check the resolver: rblbot zones --probe).`;
  const zones = namesZones && live.listedOn.length ? ` (${live.listedOn.map((l) => l.zone).join(', ')})` : '';
  const unanswered = live.zonesUnanswered ? `; ${count(live.zonesUnanswered, 'list')} did not answer` : '';
  return `Live check of ${live.target} on ${answered} lists: listed on ${live.listedOn.length}${zones}${unanswered}.`;
}

/** Said for text with no reply code, status, DSN or bounce wording. */
export const NO_FAILURE =
  'No delivery error found in this text: it has no SMTP reply (like "550 5.7.1 …"), no delivery status report and no bounce wording. Paste the whole bounce, or attach it as an .eml file.';

export function diagnosisReply(result: DiagnoseResult): Reply {
  const ds = result.diagnoses;
  if (!result.error && ds.length === 0) {
    return {
      visibility: 'ephemeral',
      title: 'Bounce diagnosis',
      level: 'info',
      blocks: [{ kind: 'verdict', level: 'info', text: [NO_FAILURE] }],
    };
  }
  if (result.error || ds.length === 0) {
    return {
      visibility: 'ephemeral',
      title: 'Bounce diagnosis',
      level: 'error',
      blocks: [
        { kind: 'verdict', level: 'error', text: [result.error ?? 'Nothing to diagnose.'] },
        {
          kind: 'context',
          text: ['Expected: a bounce message as text (the lines with the 5xx/4xx reply), one SMTP reply line, or a saved .eml file.'],
        },
      ],
    };
  }
  const several = ds.length > 1;
  const blocks: Block[] = [];
  if (several) {
    blocks.push({ kind: 'verdict', level: worstLevel(ds.map(levelOf)), text: [`${ds.length} failed recipients in this bounce.`] });
  }
  for (const d of ds.slice(0, MAX_IN_CHAT)) blocks.push(...blocksOf(d, several));
  const more = ds.length - MAX_IN_CHAT;
  if (more > 0) blocks.push({ kind: 'context', text: [`${count(more, 'more recipient')} ${more === 1 ? 'is' : 'are'} in the full report.`] });
  const title = several ? `Bounce diagnosis: ${ds.length} recipients` : `Bounce diagnosis${ds[0]!.recipient ? `: ${ds[0]!.recipient}` : ''}`;
  return { visibility: 'channel', title, level: worstLevel(ds.map(levelOf)), blocks, fullText: diagnosisText(result) };
}

/** The whole report as plain text (CLI without --json, and fullText for long chat replies). */
export function diagnosisText(result: DiagnoseResult): string {
  if (result.error) return result.error;
  if (result.diagnoses.length === 0) return NO_FAILURE;
  const out: string[] = [];
  for (const d of result.diagnoses) {
    if (out.length) out.push('');
    out.push(d.summary);
    for (const f of fieldsOf(d)) out.push(`  ${f.label}: ${f.value.map(inlineText).join('')}`);
    for (const item of listItems(d))
      out.push(`  List: ${item.title.map(inlineText).join('')} - ${(item.lines ?? []).map((l) => l.map(inlineText).join('')).join('; ')}`);
    d.advice.forEach((a, i) => {
      out.push(`  ${i + 1}. ${a.text}`);
      for (const l of a.links) out.push(`     ${l.label}: ${l.url}`);
    });
    if (d.diagnostic) out.push(`  Server said: ${d.diagnostic}`);
    if (d.live && d.live.state !== 'skipped') out.push(`  ${liveSentence(d.live, true)}`);
  }
  return out.join('\n');
}

function inlineText(i: Inline): string {
  if (typeof i === 'string') return i;
  if ('link' in i) return `${i.label} <${i.link}>`;
  if ('code' in i) return i.code;
  return i.bold;
}
