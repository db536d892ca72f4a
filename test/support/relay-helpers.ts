/** Building Services and CLI streams around a real relay tester for command/CLI tests. */
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/types.js';
import type { ServiceOverrides } from '../../src/app/services.js';
import type { RelayTester } from '../../src/core/relay/index.js';
import type { Services } from '../../commands/types.js';

import { idleChecker } from './test-checker.js';

/** The relay tests never ask the blocklist checker anything. */
export function servicesWith(relay: RelayTester): Services {
  return { checker: idleChecker(), relay };
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
