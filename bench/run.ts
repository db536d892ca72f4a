/**
 * `npm run bench`: runs every bench/*.bench.ts suite (or those named on the command line)
 * and prints their tables. Figures are compared with references measured in the same run.
 */
import { readdirSync } from 'node:fs';
import type { BenchSuite, BenchTable } from './types.js';

const only = process.argv.slice(2);
const files = readdirSync(new URL('.', import.meta.url))
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();

for (const file of files) {
  const { suite } = (await import(new URL(file, import.meta.url).href)) as { suite: BenchSuite };
  if (only.length > 0 && !only.includes(suite.name)) continue;
  process.stdout.write(`\n## ${suite.name}\n`);
  for (const table of await suite.run()) process.stdout.write(`${formatTable(table)}\n`);
}

export function formatTable(table: BenchTable): string {
  const cells = [table.columns.map(String), ...table.rows.map((r) => r.map(String))];
  const widths = table.columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [`\n### ${table.title}`, line(cells[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)];
  for (const note of table.notes ?? []) out.push(`- ${note}`);
  return out.join('\n');
}
