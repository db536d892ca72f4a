/**
 * The metrics port: what core (and the command dispatcher) report for /metrics. The app
 * implements it with prom-client (src/app/metrics/prometheus.ts); everything else gets
 * NO_METRICS. A port rather than prom-client itself, so that core stays free of any
 * exporter, and the checker's hot path pays one method call per lookup when metrics are off.
 * Label values passed here come from bounded sets: catalogue zones, lookup statuses,
 * platform names, command names.
 */
import type { LookupStatus } from './check/types.js';

/** How a delivery attempt of a watch alert ended. */
export type AlertOutcome = 'sent' | 'failed';

/**
 * How a command ended: answered (`ok`), refused for permission (`denied`), bad input the
 * user can fix (`invalid`), or a bug (`failed`).
 */
export type CommandOutcome = 'ok' | 'denied' | 'invalid' | 'failed';

export interface MetricsSink {
  /** One blocklist lookup ended (every zone of every check, watch rechecks included). */
  lookup(zone: string, status: LookupStatus, seconds: number): void;
  /** One watch recheck cycle ended (scheduler round or /watch check), with its wall time. */
  watchCycle(seconds: number): void;
  /** One attempt to deliver a watch alert. */
  alert(platform: string, outcome: AlertOutcome): void;
  /** One chat command; `command` is a known command name or `unknown`. */
  command(command: string, platform: string, outcome: CommandOutcome): void;
}

export const NO_METRICS: MetricsSink = {
  lookup() {},
  watchCycle() {},
  alert() {},
  command() {},
};
