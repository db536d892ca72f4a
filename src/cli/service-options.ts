/**
 * The options every DNS-using subcommand shares (--resolver, --timeout, --zones), their
 * parseArgs declarations and their validation into ServiceOverrides.
 */
import { parseServer } from '../core/dns/servers.js';
import type { ServiceOverrides } from '../app/checker-service.js';
import { UserError } from '../reply/errors.js';

export const SERVICE_OPTIONS = {
  resolver: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  zones: { type: 'string' },
} as const;

export class OptionError extends UserError {}

/** Turn the raw option values into overrides; throws OptionError with a sentence. */
export function serviceOverrides(values: { resolver?: string[]; timeout?: string; zones?: string }): ServiceOverrides {
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000) {
      throw new OptionError(`--timeout takes milliseconds from 1 to 60000, not "${values.timeout}".`);
    }
  }
  let resolvers: string[] | undefined;
  try {
    resolvers = values.resolver?.flatMap((r) => r.split(',')).map(parseServer);
  } catch (err) {
    throw new OptionError(`--resolver: ${(err as Error).message}`);
  }
  return { resolvers, timeoutMs, zonesFile: values.zones };
}
