/** Runs the watch recheck-cycle benchmark alone in this process and prints its table as JSON. */
import { recheckCycle } from './watch.bench.js';

process.stdout.write(JSON.stringify(await recheckCycle()));
process.exit(0);
