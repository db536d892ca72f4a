/** Plain-text form of a CheckReport for the terminal (no colour: scripts read it). */
import type { CheckReport } from '../core/check-types.js';

export function formatReportText(report: CheckReport): string {
  const s = report.summary;
  const unchecked = s.refused + s.timeout + s.error;
  const lines: string[] = [];
  const total = report.results.length;
  const verdict = s.listed > 0 ? `LISTED on ${s.listed} of ${total} lists` : unchecked === total ? 'NOT CHECKED: no list answered' : `not listed (${s.clean} of ${total} lists clean)`;
  lines.push(`${report.target}: ${verdict}${unchecked > 0 && unchecked < total ? `; ${unchecked} could not be checked` : ''}`);
  if (report.kind !== 'domain') lines.push(`  PTR: ${report.ptr ?? '(none)'}  FCrDNS: ${report.fcrdns === null ? 'unknown' : report.fcrdns ? 'yes' : 'NO'}`);
  else if (report.addresses.length > 0) lines.push(`  addresses: ${report.addresses.join(', ')}`);
  for (const r of report.results) {
    if (r.status === 'clean') continue;
    const label = r.status === 'listed' ? (r.listType === 'allow' ? 'ALLOW' : r.listType === 'block' ? 'LISTED' : r.listType.toUpperCase()) : r.status.toUpperCase();
    lines.push(`  ${label.padEnd(10)} ${r.zone} (${r.query})${r.codes.length ? ` ${r.codes.join(',')}` : ''}: ${clean(r.meaning ?? '')}`);
    if (r.txt) lines.push(`             reason: ${clean(r.txt)}`);
    if (r.fix) lines.push(`             fix: ${r.fix}`);
    if (r.status === 'listed' && r.removalUrl) lines.push(`             removal: ${r.removalUrl}`);
  }
  for (const n of report.notes) lines.push(`  note: ${n}`);
  return `${lines.join('\n')}\n`;
}

/** Untrusted text (TXT records) must not move the cursor or recolour the terminal. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
