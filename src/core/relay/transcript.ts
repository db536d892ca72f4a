/**
 * Shortening a transcript for chat: long EHLO lists collapse to their first line, long
 * lines are cut, and the middle of a long conversation is elided.
 */
export function shortenTranscript(lines: readonly string[], maxLines = 40, maxWidth = 110): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    // "S: 250-…" continuation lines: keep the first, count the rest.
    const cont = /^S: (\d{3})-/.exec(line);
    if (cont) {
      let j = i + 1;
      while (j < lines.length && lines[j]!.startsWith(`S: ${cont[1]}`)) j++;
      out.push(cut(line, maxWidth));
      if (j - i > 1) out.push(`   (+${j - i - 1} more lines)`);
      i = j;
      continue;
    }
    out.push(cut(line, maxWidth));
    i++;
  }
  if (out.length <= maxLines) return out;
  const head = Math.ceil((maxLines - 1) / 2);
  const tail = maxLines - 1 - head;
  return [...out.slice(0, head), `… ${out.length - head - tail} lines left out …`, ...out.slice(out.length - tail)];
}

function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}
