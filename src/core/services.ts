/**
 * The core services a command handler may use. Built once in src/main.ts (or the CLI)
 * and handed to every command; tests build them pointed at loopback servers.
 */
import type { Checker } from './checker.js';
import type { RelayTester } from './relay/tester.js';
import type { WatchService } from './watch/service.js';

export interface Services {
  readonly checker: Checker;
  /** Channel watches; absent where nothing persists (the one-shot CLI). */
  readonly watches?: WatchService;
  /**
   * The open-relay test (/relay, `rblbot relay`). buildServices always sets it; optional
   * so that tests of other commands can build Services without one.
   */
  readonly relay?: RelayTester;
}
