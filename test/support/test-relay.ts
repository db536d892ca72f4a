/** A real relay tester for tests that need Services but never run a relay test. */
import { createRelayDns, createRelayTester, type RelayTester } from '../../src/core/relay/index.js';

export function idleRelayTester(): RelayTester {
  // Port 9 (discard) on loopback: nothing answers, and nothing should be asked.
  return createRelayTester({ dns: createRelayDns({ resolvers: ['127.0.0.1:9'], timeoutMs: 200 }) });
}
