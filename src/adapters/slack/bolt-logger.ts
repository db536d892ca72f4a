/** Bolt's Logger interface on top of ours, so Bolt's own lines share our format and level. */
import { LogLevel, type App } from '@slack/bolt';
import type { Logger } from '../../app/logger.js';

type BoltLogger = NonNullable<ConstructorParameters<typeof App>[0]>['logger'] & {};

export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  const split = (msg: unknown[]): [object, string] => {
    const err = msg.find((m) => m instanceof Error);
    const text = msg
      .filter((m) => !(m instanceof Error))
      .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
      .join(' ');
    return [err ? { err } : {}, text];
  };
  return {
    debug: (...msg: unknown[]) => log.debug(...split(msg)),
    info: (...msg: unknown[]) => log.info(...split(msg)),
    warn: (...msg: unknown[]) => log.warn(...split(msg)),
    error: (...msg: unknown[]) => log.error(...split(msg)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
