// rblbot's check of the given addresses in a fresh process, on the compiled code, timed from
// the first check to the last report: the checks without the CLI's start-up.
// argv: resolver zonesFile ip... Prints {lost, found, ms} as JSON.
const [resolver, zonesFile, ...ips] = process.argv.slice(2);
const { createChecker } = await import(new URL('../dist/src/core/check/checker.js', import.meta.url).href);
// As `rblbot check` does for this many addresses (src/cli/bulk-tiering.ts).
const { tuneTieringFor } = await import(new URL('../dist/src/cli/bulk-tiering.js', import.meta.url).href);
await tuneTieringFor(ips.length);
const checker = createChecker({ resolvers: [resolver], zonesFile });
const started = performance.now();
const reports = await Promise.all(ips.map((ip) => checker.check(ip)));
const ms = performance.now() - started;
const lost = reports.reduce((n, r) => n + r.summary.timeout + r.summary.error, 0);
const found = reports.reduce((n, r) => n + r.summary.listed, 0);
process.stdout.write(`${JSON.stringify({ lost, found, ms })}\n`);
