/**
 * `rblbot zones [--json] [--probe]`: the catalogue (active zones, zones that are off and
 * why, dead lists never queried) and, with --probe, each active zone's health from its
 * RFC 5782 test points through the configured resolver.
 */
import { probeSummary } from '../core/check/earned.js';
import { EXIT, fail } from './errors.js';
import { parseCommandLine } from './args.js';
import { OptionError, SERVICE_OPTIONS, serviceOverrides } from './service-options.js';
import type { CliCommand } from './types.js';

const HELP = `Usage: rblbot zones [--json] [--probe] [--resolver HOST[:PORT]] [--timeout MS] [--zones FILE]

Lists the zone catalogue: the lists a check queries, the ones that are off (and why),
and dead lists that are never queried. With --probe, queries each active zone's RFC 5782
test points (127.0.0.2 must be listed, 127.0.0.1 must not) and reports healthy, refusing,
lists-everything, not-answering or no-test-point per zone, and ends with a summary line.

Exit status: 0; with --probe, 0 every zone healthy, 1 some zone unhealthy,
3 no zone healthy (the resolver is the problem: see docs/resolvers.md).
`;

export const zonesCli: CliCommand = {
  name: 'zones',
  help: HELP,
  async run(argv, io) {
    const parsed = parseCommandLine(zonesCli, argv, io, { json: { type: 'boolean' }, probe: { type: 'boolean' }, ...SERVICE_OPTIONS });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    let services;
    try {
      services = io.services(serviceOverrides(values));
    } catch (err) {
      return fail(io.stderr, (err as Error).message, err instanceof OptionError ? 'zones' : undefined);
    }
    const { catalogue } = services.checker;
    const probed = values.probe ? await services.checker.probe() : undefined;
    const health = probed ? new Map(probed.map((h) => [h.zone, h])) : undefined;
    const summary = probed ? probeSummary(probed, services.checker.dns.servers) : undefined;
    // 1: some list is unhealthy through this resolver; 3: none is (the resolver is the problem).
    const status = !summary || summary.unhealthy === 0 ? EXIT.ok : summary.healthy === 0 ? EXIT.unchecked : EXIT.found;
    const active = catalogue.active.map((z) => ({
      zone: z.zone,
      name: z.name,
      kinds: z.kinds,
      listType: z.listType,
      usage: z.usage,
      ...(health ? { health: health.get(z.zone)?.state ?? null, healthDetail: health.get(z.zone)?.detail ?? null } : {}),
    }));
    const activeNames = new Set(catalogue.active.map((z) => z.zone));
    const off = catalogue.zones
      .filter((z) => !activeNames.has(z.zone))
      .map((z) => ({ zone: z.zone, name: z.name, reason: z.offReason ?? (z.key ? `needs ${z.key}` : 'turned off') }));
    const dead = catalogue.defunct.map((d) => ({ name: d.name, since: d.since, zones: d.zones }));

    if (values.json) {
      const probe = summary && { healthy: summary.healthy, unhealthy: summary.unhealthy, summary: summary.sentence };
      io.stdout.write(`${JSON.stringify({ active, off, defunct: dead, ...(probe ? { probe } : {}) })}\n`);
      return status;
    }
    const out: string[] = [`Active zones (${active.length}):`];
    for (const z of active) {
      const state = 'health' in z ? `  [${z.health}${z.health === 'healthy' ? '' : `: ${z.healthDetail}`}]` : '';
      out.push(`  ${z.zone.padEnd(34)} ${z.listType.padEnd(10)} ${z.kinds.join('+').padEnd(16)} ${z.name}${state}`);
    }
    out.push('', `Off (${off.length}):`);
    for (const z of off) out.push(`  ${z.zone.padEnd(34)} ${z.reason}`);
    out.push('', `Dead lists, never queried (${dead.length}):`);
    for (const d of dead) out.push(`  ${d.name} (since ${d.since}): ${d.zones.slice(0, 4).join(', ')}${d.zones.length > 4 ? ', …' : ''}`);
    if (summary) out.push('', `Health: ${summary.sentence}`);
    io.stdout.write(`${out.join('\n')}\n`);
    return status;
  },
};
