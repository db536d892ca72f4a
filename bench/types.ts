/**
 * A benchmark suite prints one table. `npm run bench` (bench/run.ts) runs every suite
 * listed there and prints their tables; figures are ratios against a reference measured
 * in the same run wherever one exists, so they mean the same on any machine.
 */
export interface BenchTable {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** Goals and how to read the table. */
  readonly notes?: readonly string[];
}

export interface BenchSuite {
  readonly name: string;
  readonly run: () => Promise<BenchTable[]>;
}
