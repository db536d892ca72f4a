/** Building Services and CLI streams around a real relay tester for command/CLI tests. */
import { PassThrough } from 'node:stream';
import type { CliIO, ServiceOverrides } from '../../src/cli/types.js';
import type { Checker } from '../../src/core/checker.js';
import type { RelayTester } from '../../src/core/relay/index.js';
import type { Services } from '../../src/core/services.js';

/** The relay tests never touch the blocklist checker; any use is a bug in the test. */
export const unusedChecker: Checker = {
  check: () => Promise.reject(new Error('the relay tests do not use the checker')),
  zoneCount: () => 0,
};

export function servicesWith(relay: RelayTester): Services {
  return { checker: unusedChecker, relay };
}

export interface CapturedIO extends CliIO {
  out(): string;
  err(): string;
  overrides: (ServiceOverrides | undefined)[];
}

export function cliIO(makeRelay: (overrides?: ServiceOverrides) => RelayTester, env: NodeJS.ProcessEnv = {}): CapturedIO {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const overrides: (ServiceOverrides | undefined)[] = [];
  return {
    stdin: new PassThrough(),
    stdout,
    stderr,
    env,
    services: (o) => {
      overrides.push(o);
      return servicesWith(makeRelay(o));
    },
    out: () => out,
    err: () => err,
    overrides,
  };
}
