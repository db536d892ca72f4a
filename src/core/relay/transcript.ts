/**
 * Shortening a transcript for chat: RSET exchanges (pure noise) go, long EHLO lists
 * collapse to their first line, long lines are cut, and when it is still too long the
 * middle is elided, except for the exchanges where a relay recipient was accepted,
 * which are the lines an admin needs to see.
 */
export function shortenTranscript(lines: readonly string[], maxLines = 40, maxWidth = 110): string[] {
  const compact: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line === 'C: RSET') {
      i++;
      if (lines[i]?.startsWith('S: ')) i++;
      continue;
    }
    // "S: 250-…" continuation lines: keep the first, count the rest.
    const cont = /^S: (\d{3})-/.exec(line);
    if (cont) {
      let j = i + 1;
      while (j < lines.length && lines[j]!.startsWith(`S: ${cont[1]}`)) j++;
      compact.push(cut(line, maxWidth));
      if (j - i > 1) compact.push(`   (+${j - i - 1} more lines)`);
      i = j;
      continue;
    }
    compact.push(cut(line, maxWidth));
    i++;
  }
  if (compact.length <= maxLines) return compact;

  // Must-keep lines: MAIL/RCPT exchanges whose RCPT got a 2xx.
  const keep = new Set<number>();
  let shown = 0;
  compact.forEach((line, n) => {
    // The first few acceptances make the point; more would crowd out everything else.
    if (shown < 3 && line.startsWith('C: RCPT') && /^S: 2\d\d/.test(compact[n + 1] ?? '')) {
      shown++;
      for (const k of [n - 2, n - 1, n, n + 1]) if (k >= 0 && compact[k]?.match(/^[CS]: /)) keep.add(k);
    }
  });
  const budget = Math.max(0, maxLines - Math.min(keep.size, maxLines - 8));
  const head = Math.ceil(budget * 0.6);
  const tail = Math.max(0, budget - head - 3);
  for (let n = 0; n < head; n++) keep.add(n);
  for (let n = compact.length - tail; n < compact.length; n++) keep.add(n);

  const out: string[] = [];
  let skipped = 0;
  compact.forEach((line, n) => {
    if (keep.has(n)) {
      if (skipped > 0) out.push(`… ${skipped} lines left out …`);
      skipped = 0;
      out.push(line);
    } else skipped++;
  });
  if (skipped > 0) out.push(`… ${skipped} lines left out …`);
  return out.length <= maxLines ? out : [...out.slice(0, maxLines - 1), `… ${out.length - maxLines + 1} more lines …`];
}

function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
